#include <config.h>

#include <stdio.h>
#include <string.h>

#include "spec_edits.h"

static json_patch *
add (spec_edits *e, const char *p0, const char *p1, const char *p2, const char *key)
{
  json_patch *p = &e->patches[e->n++];
  memset (p, 0, sizeof *p);
  p->path[0] = p0;
  p->path[1] = p1;
  p->path[2] = p2;
  p->key = key;
  return p;
}

static void
add_number (spec_edits *e, const char *p0, const char *p1, const char *p2, const char *key,
            long long value)
{
  char *text = e->numbers[e->n];
  json_patch *p = add (e, p0, p1, p2, key);
  snprintf (text, sizeof e->numbers[0], "%lld", value);
  p->kind = PATCH_NUMBER;
  p->value = text;
}

/* containerd writes the sizing annotations with strconv.FormatInt.  */
static void
add_decimal_annotation (spec_edits *e, const char *key, long long value)
{
  char *text = e->numbers[e->n];
  json_patch *p = add (e, "annotations", NULL, NULL, key);
  snprintf (text, sizeof e->numbers[0], "%lld", value);
  p->kind = PATCH_STRING;
  p->value = text;
}

void
spec_edits_from_plan (const sandbox_plan *plan, spec_edits *e)
{
  const planned_action *a;

  memset (e, 0, sizeof *e);
  if (!plan->is_sandbox)
    return;
  for (size_t i = 0; i < N_SYSCTL_ACTIONS; i++)
    {
      a = &plan->actions[sysctl_actions[i]];
      if (a->skip)
        continue;
      json_patch *p = add (e, "linux", "sysctl", NULL, a->u.sysctl.key);
      p->kind = PATCH_STRING;
      p->value = a->u.sysctl.value;
    }
  a = &plan->actions[ACTION_OOM_SCORE_ADJ];
  if (!a->skip)
    add_number (e, "process", NULL, NULL, "oomScoreAdj", a->u.oom.value);
  a = &plan->actions[ACTION_CPU_SHARES];
  if (!a->skip)
    add_number (e, "linux", "resources", "cpu", "shares", (long long)a->u.cpu.shares);
  a = &plan->actions[ACTION_SANDBOX_SIZING];
  if (!a->skip)
    {
      add_decimal_annotation (e, SIZING_CPU_PERIOD, a->u.sizing.cpu_period);
      add_decimal_annotation (e, SIZING_CPU_QUOTA, a->u.sizing.cpu_quota);
      add_decimal_annotation (e, SIZING_CPU_SHARES, a->u.sizing.cpu_shares);
      add_decimal_annotation (e, SIZING_MEMORY, a->u.sizing.memory);
    }
}

int
spec_edits_render_fd (const json_value *root, const sandbox_plan *plan, int fd, hook_error **err)
{
  spec_edits edits;

  spec_edits_from_plan (plan, &edits);
  return json_render_fd (root, edits.patches, edits.n, fd, err);
}
