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

/* Are A and B the same JSON value?  Objects compare member by member
   whatever their key order (the parser refuses duplicate keys), numbers by
   their text.  */
static bool
json_same (const json_value *a, const json_value *b)
{
  if (a->kind != b->kind)
    return false;
  switch (a->kind)
    {
    case JSON_NUMBER:
    case JSON_STRING:
      return a->u.scalar.len == b->u.scalar.len
             && memcmp (a->u.scalar.text, b->u.scalar.text, a->u.scalar.len) == 0;
    case JSON_OBJECT:
      if (a->u.object.count != b->u.object.count)
        return false;
      for (size_t i = 0; i < a->u.object.count; i++)
        {
          const json_value *other = json_get (b, a->u.object.members[i].key);
          if (other == NULL || !json_same (a->u.object.members[i].value, other))
            return false;
        }
      return true;
    case JSON_ARRAY:
      if (a->u.array.count != b->u.array.count)
        return false;
      for (size_t i = 0; i < a->u.array.count; i++)
        if (!json_same (a->u.array.items[i], b->u.array.items[i]))
          return false;
      return true;
    default:
      return true;
    }
}

/* Is ITEM, an element of the array append patch P aims at, the entry P
   would add?  */
static bool
element_matches (const json_value *item, const json_patch *p)
{
  if (item->kind != JSON_OBJECT)
    return false;
  if (p->match == NULL)
    return json_same (item, p->object);
  for (const char *const *name = p->match; *name; name++)
    {
      const json_value *x = json_get (item, *name), *y = json_get (p->object, *name);
      if (x == NULL || y == NULL ? x != y : !json_same (x, y))
        return false;
    }
  return true;
}

static bool
same_array (const json_patch *a, const json_patch *b)
{
  for (size_t i = 0; i <= JSON_PATCH_MAX_PATH; i++)
    {
      if (a->path[i] == NULL || b->path[i] == NULL)
        {
          if (a->path[i] != b->path[i])
            return false;
          break;
        }
      if (strcmp (a->path[i], b->path[i]) != 0)
        return false;
    }
  return a->kind == PATCH_APPEND && b->kind == PATCH_APPEND && strcmp (a->key, b->key) == 0;
}

/* Does append patch K of PATCHES add its object to ARRAY (the array it
   aims at: NULL when absent)?  Not when an element matches it, nor when an
   earlier patch appends a matching object to the same array.  */
static bool
append_adds (const json_value *array, const json_patch *patches, size_t k)
{
  const json_patch *p = &patches[k];

  if (array && array->kind == JSON_ARRAY)
    for (size_t i = 0; i < array->u.array.count; i++)
      if (element_matches (array->u.array.items[i], p))
        return false;
  for (size_t j = 0; j < k; j++)
    if (same_array (&patches[j], p) && element_matches (patches[j].object, p)
        && append_adds (array, patches, j))
      return false;
  return true;
}

/* Is patch P an append to the array at KEY of the object at PATH?  */
static bool
appends_to (const json_patch *p, const char **path, size_t depth, const char *key)
{
  return p->kind == PATCH_APPEND && patch_at (p, path, depth) && strcmp (p->key, key) == 0;
}

/* The array at KEY of the object at PATH: EXISTING's elements (none when
   it is absent or null), then the objects of the appends aimed at it that
   add something.  */
static int
emit_append (render_ctx *c, const json_value *existing, const char **path, size_t depth,
             const char *key)
{
  render_ctx plain = { c->g, NULL, 0, c->err };

  if (check (c, yajl_gen_array_open (c->g)) < 0)
    return -1;
  if (existing && existing->kind == JSON_ARRAY)
    for (size_t i = 0; i < existing->u.array.count; i++)
      if (emit_value (&plain, existing->u.array.items[i], path, depth + 1) < 0)
        return -1;
  for (size_t k = 0; k < c->n; k++)
    if (appends_to (&c->patches[k], path, depth, key) && append_adds (existing, c->patches, k)
        && emit_value (&plain, c->patches[k].object, path, depth + 1) < 0)
      return -1;
  return check (c, yajl_gen_array_close (c->g));
}

/* The value of a string or number patch.  */
static int
emit_scalar_patch (render_ctx *c, const json_patch *p)
{
  if (p->kind == PATCH_NUMBER)
    return check (c, yajl_gen_number (c->g, p->value, strlen (p->value)));
  return check (c, yajl_gen_string (c->g, (const unsigned char *)p->value, strlen (p->value)));
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
      bool appended = false;
      for (size_t k = 0; k < c->n && !appended; k++)
        appended = appends_to (&c->patches[k], path, depth, m->key);
      if (appended)
        {
          /* json_patches_check made sure it is an array or null.  */
          if (emit_append (c, m->value, path, depth, m->key) < 0)
            return -1;
          continue;
        }
      /* A null leaf is unset for runtimes (Go's nil pointer) and for the
         spec parser, so the plan fills it: the first patch for it is
         written in its place.  */
      const json_patch *fill = NULL;
      for (size_t k = 0; k < c->n && fill == NULL && m->value->kind == JSON_NULL; k++)
        if (patch_at (&c->patches[k], path, depth) && strcmp (c->patches[k].key, m->key) == 0)
          fill = &c->patches[k];
      if (fill)
        {
          if (emit_scalar_patch (c, fill) < 0)
            return -1;
          continue;
        }
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
      if (p->kind == PATCH_APPEND)
        {
          if (emit_append (c, NULL, path, depth, p->key) < 0)
            return -1;
        }
      else if (emit_scalar_patch (c, p) < 0)
        return -1;
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
      const json_patch *p = &patches[i];
      const json_value *v = root;
      for (size_t d = 0; v && d < JSON_PATCH_MAX_PATH && p->path[d]; d++)
        {
          const json_value *m = json_get (v, p->path[d]);
          if (m == NULL || m->kind == JSON_NULL)
            v = NULL;
          else if (m->kind != JSON_OBJECT)
            return hook_fail (err, 0, "config.json %s: expected an object, got %s", p->path[d],
                              json_kind_name (m->kind));
          else
            v = m;
        }
      if (p->kind != PATCH_APPEND)
        continue;
      if (p->object == NULL || p->object->kind != JSON_OBJECT)
        return hook_fail (err, EINVAL, "render config.json: %s: the element to append is no object",
                          p->key);
      const json_value *target = json_get (v, p->key);
      if (target && target->kind != JSON_NULL && target->kind != JSON_ARRAY)
        return hook_fail (err, 0, "config.json %s: expected an array, got %s", p->key,
                          json_kind_name (target->kind));
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
      if (patches[i].kind == PATCH_APPEND ? append_adds (json_get (obj, patches[i].key), patches, i)
                                          : !has_key (obj, patches[i].key))
        n++;
    }
  return n;
}
