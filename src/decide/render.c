#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "write_all.h"

#include "cleanup.h"
#include "render.h"

typedef struct render_ctx
{
  yajl_gen g;
  const json_patch *patches;
  size_t n;
  hook_error **err;
} render_ctx;

static int emit_value (render_ctx *c, const json_value *v, const char **path, size_t depth);

static bool
has_key (const json_value *obj, const char *key)
{
  return obj && json_get (obj, key) != NULL && json_get (obj, key)->kind != JSON_NULL;
}

/* Does patch P target an object at PATH[0..DEPTH) exactly?  */
static bool
patch_at (const json_patch *p, const char **path, size_t depth)
{
  for (size_t i = 0; i < depth; i++)
    if (p->path[i] == NULL || strcmp (p->path[i], path[i]) != 0)
      return false;
  return p->path[depth] == NULL;
}

/* Does patch P go through PATH[0..DEPTH) and then into child KEY?  */
static bool
patch_below (const json_patch *p, const char **path, size_t depth, const char *key)
{
  for (size_t i = 0; i < depth; i++)
    if (p->path[i] == NULL || strcmp (p->path[i], path[i]) != 0)
      return false;
  return p->path[depth] != NULL && (key == NULL || strcmp (p->path[depth], key) == 0);
}

static void
gen_str (yajl_gen g, const char *s, size_t len)
{
  yajl_gen_string (g, (const unsigned char *)s, len);
}

static int
check (render_ctx *c, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok)
    return hook_fail (c->err, 0, "render config.json: generator error %d", (int)st);
  return 0;
}

/* Emit the members of the object at PATH (OBJ may be NULL: a new object),
   then the patches for absent keys, then new child objects that patches
   need and OBJ lacks.  */
static int
emit_object (render_ctx *c, const json_value *obj, const char **path, size_t depth)
{
  if (depth >= JSON_PATCH_MAX_PATH + 64)
    return hook_fail (c->err, 0, "render config.json: nested too deeply");
  if (check (c, yajl_gen_map_open (c->g)) < 0)
    return -1;
  for (size_t i = 0; obj && i < obj->u.object.count; i++)
    {
      const json_member *m = &obj->u.object.members[i];
      gen_str (c->g, m->key, m->key_len);
      path[depth] = m->key;
      bool wanted = false;
      for (size_t k = 0; k < c->n && !wanted; k++)
        wanted = patch_below (&c->patches[k], path, depth, m->key);
      if (wanted && m->value->kind == JSON_NULL)
        {
          if (emit_object (c, NULL, path, depth + 1) < 0)
            return -1;
        }
      else if (wanted && m->value->kind != JSON_OBJECT)
        return hook_fail (c->err, 0, "config.json %s: expected an object, got %s", m->key,
                          json_kind_name (m->value->kind));
      else if (emit_value (c, m->value, path, depth + 1) < 0)
        return -1;
    }
  for (size_t k = 0; k < c->n; k++)
    {
      const json_patch *p = &c->patches[k];
      if (!patch_at (p, path, depth) || has_key (obj, p->key))
        continue;
      /* Two patches for one absent key: the first wins, like everywhere.  */
      bool earlier = false;
      for (size_t j = 0; j < k && !earlier; j++)
        earlier = patch_at (&c->patches[j], path, depth) && strcmp (c->patches[j].key, p->key) == 0;
      if (earlier || (obj && json_get (obj, p->key)))
        continue;
      gen_str (c->g, p->key, strlen (p->key));
      if (p->kind == PATCH_NUMBER)
        yajl_gen_number (c->g, p->value, strlen (p->value));
      else
        gen_str (c->g, p->value, strlen (p->value));
    }
  for (size_t k = 0; k < c->n; k++)
    {
      const json_patch *p = &c->patches[k];
      if (!patch_below (p, path, depth, NULL) || (obj && json_get (obj, p->path[depth])))
        continue;
      bool earlier = false;
      for (size_t j = 0; j < k && !earlier; j++)
        earlier = patch_below (&c->patches[j], path, depth, p->path[depth]);
      if (earlier)
        continue;
      gen_str (c->g, p->path[depth], strlen (p->path[depth]));
      path[depth] = p->path[depth];
      if (emit_object (c, NULL, path, depth + 1) < 0)
        return -1;
    }
  return check (c, yajl_gen_map_close (c->g));
}

static int
emit_value (render_ctx *c, const json_value *v, const char **path, size_t depth)
{
  switch (v->kind)
    {
    case JSON_NULL:
      return check (c, yajl_gen_null (c->g));
    case JSON_FALSE:
    case JSON_TRUE:
      return check (c, yajl_gen_bool (c->g, v->kind == JSON_TRUE));
    case JSON_NUMBER:
      return check (c, yajl_gen_number (c->g, v->u.scalar.text, v->u.scalar.len));
    case JSON_STRING:
      return check (
          c, yajl_gen_string (c->g, (const unsigned char *)v->u.scalar.text, v->u.scalar.len));
    case JSON_OBJECT:
      /* Only the first JSON_PATCH_MAX_PATH levels can match a patch; deeper
         objects are copied with an empty patch view.  */
      if (depth > JSON_PATCH_MAX_PATH)
        {
          render_ctx plain = { c->g, NULL, 0, c->err };
          return emit_object (&plain, v, path, depth);
        }
      return emit_object (c, v, path, depth);
    case JSON_ARRAY:
      {
        render_ctx plain = { c->g, NULL, 0, c->err };
        if (check (c, yajl_gen_array_open (c->g)) < 0)
          return -1;
        for (size_t i = 0; i < v->u.array.count; i++)
          if (emit_value (&plain, v->u.array.items[i], path, depth) < 0)
            return -1;
        return check (c, yajl_gen_array_close (c->g));
      }
    }
  return hook_fail (c->err, 0, "render config.json: unknown value kind");
}

int
json_patches_check (const json_value *root, const json_patch *patches, size_t n_patches,
                    hook_error **err)
{
  if (root->kind != JSON_OBJECT)
    return hook_fail (err, 0, "config.json: expected an object");
  for (size_t i = 0; i < n_patches; i++)
    {
      const json_value *v = root;
      for (size_t d = 0; d < JSON_PATCH_MAX_PATH && patches[i].path[d]; d++)
        {
          const json_value *m = json_get (v, patches[i].path[d]);
          if (m == NULL || m->kind == JSON_NULL)
            break;
          if (m->kind != JSON_OBJECT)
            return hook_fail (err, 0, "config.json %s: expected an object, got %s",
                              patches[i].path[d], json_kind_name (m->kind));
          v = m;
        }
    }
  return 0;
}

typedef struct fd_writer
{
  int fd;
  int error; /* first write errno */
  size_t used;
  char buf[65536];
} fd_writer;

static void
writer_flush (fd_writer *w)
{
  if (w->used && w->error == 0 && write_all (w->fd, w->buf, w->used) < 0)
    w->error = errno;
  w->used = 0;
}

static void
writer_print (void *ctx, const char *s, size_t len)
{
  fd_writer *w = ctx;
  if (w->used + len > sizeof w->buf)
    writer_flush (w);
  if (len > sizeof w->buf)
    {
      if (w->error == 0 && write_all (w->fd, s, len) < 0)
        w->error = errno;
      return;
    }
  memcpy (w->buf + w->used, s, len);
  w->used += len;
}

int
json_render_fd (const json_value *root, const json_patch *patches, size_t n_patches, int fd,
                hook_error **err)
{
  const char *path[JSON_PATCH_MAX_PATH + 80];
  cleanup_free fd_writer *w = malloc (sizeof *w);
  int ret;

  if (w == NULL)
    return hook_fail (err, ENOMEM, "render config.json");
  if (json_patches_check (root, patches, n_patches, err) < 0)
    return -1;
  w->fd = fd;
  w->error = 0;
  w->used = 0;
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return hook_fail (err, ENOMEM, "render config.json");
  yajl_gen_config (g, yajl_gen_print_callback, writer_print, w);
  render_ctx c = { g, patches, n_patches, err };
  ret = emit_value (&c, root, path, 0);
  yajl_gen_free (g);
  if (ret < 0)
    return -1;
  writer_flush (w);
  if (w->error)
    return hook_fail (err, w->error, "write config.json");
  return 0;
}

size_t
json_patches_count_absent (const json_value *root, const json_patch *patches, size_t n_patches)
{
  size_t n = 0;

  for (size_t i = 0; i < n_patches; i++)
    {
      const json_value *obj = root;
      for (size_t d = 0; obj && d < JSON_PATCH_MAX_PATH && patches[i].path[d]; d++)
        obj = json_get (obj, patches[i].path[d]);
      if (json_get (obj, patches[i].key) == NULL)
        n++;
    }
  return n;
}
