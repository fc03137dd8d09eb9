/* The installer's record: written and read back, hostile or damaged
   records refused, and what uninstall does with every kind of entry.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "install_plan.h"
#include "install_record.h"
#include "tap.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

#define SHA_A  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SHA_C  "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define PREFIX "/usr/local/libexec/oci-sandbox-hook"

static const char RECORD[]
    = "{\"format\": 1, \"prefix\": \"" PREFIX "\", \"runtime\": \"/usr/bin/crun\",\n"
      " \"engines\": [\"containerd\", \"podman\"], \"entries\": [\n"
      "  {\"path\": \"/usr/local/libexec/oci-sandbox-hook\", \"type\": \"directory\", "
      "\"action\": \"created\"},\n"
      "  {\"path\": \"" PREFIX "/oci-sandbox-hook\", \"type\": \"file\", \"action\": \"created\", "
      "\"sha256\": \"" SHA_A "\"},\n"
      "  {\"path\": \"" PREFIX "/oci-sandbox-runtime\", \"type\": \"symlink\", \"action\": "
      "\"created\", \"target\": \"oci-sandbox-hook\"},\n"
      "  {\"path\": \"/etc/containerd/config.toml\", \"type\": \"file\", \"action\": \"modified\", "
      "\"sha256\": \"" SHA_B "\", \"original\": \"4-config.toml\", \"original_sha256\": \"" SHA_C
      "\", \"mode\": 384, \"uid\": 0, \"gid\": 7, \"restart\": \"containerd.service\"}\n"
      " ]}\n";

static int
parse (const char *text, install_record *rec, hook_error **err)
{
  return install_record_parse (text, strlen (text), rec, err);
}

TEST (a_record_is_read_back_as_written)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  cleanup_install_record install_record again = { .prefix = NULL };
  cleanup_free char *out = NULL;
  cleanup_free char *out2 = NULL;
  size_t len = 0, len2 = 0;

  CHECK_INT (parse (RECORD, &rec, &err), 0);
  CHECK_STR (rec.prefix, PREFIX);
  CHECK_STR (rec.runtime, "/usr/bin/crun");
  CHECK_INT (rec.engines, ENGINE_CONTAINERD | ENGINE_PODMAN);
  CHECK_INT (rec.n_entries, 4);
  CHECK_INT (rec.entries[0].type, RECORD_DIRECTORY);
  CHECK_INT (rec.entries[2].type, RECORD_SYMLINK);
  CHECK_STR (rec.entries[2].target, "oci-sandbox-hook");
  CHECK (!rec.entries[3].created);
  CHECK_STR (rec.entries[3].original, "4-config.toml");
  CHECK_INT (rec.entries[3].mode, 0600);
  CHECK_INT (rec.entries[3].gid, 7);
  CHECK_STR (rec.entries[3].restart, "containerd.service");
  CHECK (install_record_find (&rec, "/etc/containerd/config.toml") == &rec.entries[3]);
  CHECK (install_record_find (&rec, "/etc/crio/crio.conf") == NULL);

  CHECK_INT (install_record_render (&rec, &out, &len, &err), 0);
  CHECK (len > 0 && out[len - 1] == '\n');
  CHECK_INT (install_record_parse (out, len, &again, &err), 0);
  CHECK_INT (install_record_render (&again, &out2, &len2, &err), 0);
  CHECK (len == len2 && memcmp (out, out2, len) == 0);
}

/* A value yajl refuses (not UTF-8: a host path's bytes) fails the whole
   record, wherever it is: yajl writes nothing for it, and the rest would
   still parse with every later key shifted.  */
TEST (a_record_with_a_value_that_is_not_utf8_is_not_rendered)
{
  const char *const bad = "/etc/\xff";
  for (int field = 0; field < 3; field++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_install_record install_record rec = { .prefix = NULL };
      cleanup_free char *out = NULL;
      size_t len = 0;

      CHECK_INT (parse (RECORD, &rec, &err), 0);
      char **slot = field == 0   ? &rec.runtime
                    : field == 1 ? &rec.entries[0].path
                                 : &rec.entries[3].restart;
      free (*slot);
      *slot = strdup (bad);
      CHECK_INT (install_record_render (&rec, &out, &len, &err), -1);
      CHECK_ERROR_MENTIONS (err, "install record");
      CHECK (out == NULL);
      if (tap_current_failed)
        printf ("# field %d\n", field);
    }
}

static void
check_refused (const char *text, const char *mention)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  CHECK_INT (parse (text, &rec, &err), -1);
  CHECK_ERROR_MENTIONS (err, mention);
  CHECK (rec.entries == NULL && rec.prefix == NULL);
}

#define HEAD "{\"format\": 1, \"prefix\": \"" PREFIX "\", \"engines\": [], \"entries\": ["

TEST (a_damaged_or_hostile_record_is_refused)
{
  check_refused ("{\"format\": 2, \"prefix\": \"/p\", \"engines\": [], \"entries\": []}",
                 "format 2");
  check_refused ("{\"prefix\": \"/p\", \"engines\": [], \"entries\": []}", "format is missing");
  check_refused ("{\"format\": 1, \"prefix\": \"p\", \"engines\": [], \"entries\": []}",
                 "--prefix");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"engines\": [\"docker\"], \"entries\": []}",
                 "docker");
  check_refused (HEAD "{\"path\": \"etc/x\", \"type\": \"file\", \"action\": \"created\", "
                      "\"sha256\": \"" SHA_A "\"}]}",
                 "entries[0]");
  check_refused (HEAD "{\"path\": \"/etc/../x\", \"type\": \"file\", \"action\": \"created\", "
                      "\"sha256\": \"" SHA_A "\"}]}",
                 "path");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"created\", "
                      "\"sha256\": \"AAAA\"}]}",
                 "not a SHA-256 digest");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"pipe\", \"action\": \"created\"}]}",
                 "type \"pipe\"");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"directory\", \"action\": \"modified\"}]}",
                 "action \"modified\"");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"modified\", "
                      "\"sha256\": \"" SHA_A "\", \"original\": \"../../etc/shadow\", "
                      "\"original_sha256\": \"" SHA_B
                      "\", \"mode\": 420, \"uid\": 0, \"gid\": 0}]}",
                 "not a plain file name");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"modified\", "
                      "\"sha256\": \"" SHA_A "\", \"original\": \"1-x\", "
                      "\"original_sha256\": \"" SHA_B
                      "\", \"mode\": 65535, \"uid\": 0, \"gid\": 0}]}",
                 "mode");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"directory\", \"action\": \"created\"},"
                      "{\"path\": \"/x\", \"type\": \"directory\", \"action\": \"created\"}]}",
                 "recorded twice");
  check_refused ("[]", "record");
}

/* Every field of the record with a bad value: the error names it.  */
TEST (each_field_of_the_record_with_a_bad_value_is_named)
{
  check_refused ("{\"format\": \"1\", \"prefix\": \"/p\", \"engines\": [], \"entries\": []}",
                 "format: expected a number");
  check_refused ("{\"format\": 1, \"engines\": [], \"entries\": []}", "prefix is missing");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"runtime\": 7, \"engines\": [], "
                 "\"entries\": []}",
                 "record: runtime: expected a string");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"runtime\": \"crun\", \"engines\": [], "
                 "\"entries\": []}",
                 "record: runtime: not an absolute path");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"runtime\": \"/usr/bin/../crun\", "
                 "\"engines\": [], \"entries\": []}",
                 "runtime: \"/usr/bin/../crun\" is not a canonical path");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"entries\": []}", "engines is missing");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"engines\": \"crio\", \"entries\": []}",
                 "engines: expected an array");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"engines\": [1], \"entries\": []}",
                 "engines[]: expected a string");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"engines\": []}", "entries is missing");
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"engines\": [], \"entries\": {}}",
                 "entries: expected an array");
  check_refused (HEAD "\"/x\"]}", "entries[0]: expected an object");
  check_refused (HEAD "{\"type\": \"file\", \"action\": \"created\"}]}",
                 "entries[0]: path is missing");
  check_refused (HEAD "{\"path\": \"/x\", \"action\": \"created\"}]}",
                 "entries[0]: type or action is missing");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": 1, \"action\": \"created\"}]}",
                 "entries[0]: type: expected a string");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"created\"}]}",
                 "entries[0]: sha256 is missing");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"symlink\", \"action\": \"created\"}]}",
                 "entries[0]: target is missing");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"modified\", "
                      "\"sha256\": \"" SHA_A "\", \"original\": \"1-x\", "
                      "\"original_sha256\": \"" SHA_B
                      "\", \"mode\": 420, \"uid\": -1, \"gid\": 0}]}",
                 "entries[0]: uid: -1 is negative");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"modified\", "
                      "\"sha256\": \"" SHA_A "\", \"original\": \"1-x\", "
                      "\"original_sha256\": \"" SHA_B "\", \"mode\": 420, \"uid\": 0}]}",
                 "gid is missing");
  /* The unit goes to `systemctl restart` as an argument: never an
     option, never another kind of unit.  */
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"created\", "
                      "\"sha256\": \"" SHA_A "\", \"restart\": \"--force.service\"}]}",
                 "entries[0]: restart \"--force.service\": not a systemd service's name");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"created\", "
                      "\"sha256\": \"" SHA_A "\", \"restart\": \"reboot.target\"}]}",
                 "restart \"reboot.target\"");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"created\", "
                      "\"sha256\": \"" SHA_A "\", \"restart\": \"a b.service\"}]}",
                 "restart \"a b.service\"");
  check_refused (HEAD "{\"path\": \"/x\", \"type\": \"file\", \"action\": \"created\", "
                      "\"sha256\": \"" SHA_A "\", \"restart\": true}]}",
                 "entries[0]: restart: expected a string");
}

static found_state
file_state (const char *sha, bool names_prefix)
{
  found_state s = { .type = FOUND_FILE, .names_prefix = names_prefix };
  memcpy (s.sha256, sha, SHA256_HEX_SIZE);
  return s;
}

TEST (uninstall_restores_and_removes_what_is_unchanged)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  undo_step steps[4];

  CHECK_INT (parse (RECORD, &rec, &err), 0);
  found_state states[4] = {
    { .type = FOUND_DIRECTORY },
    file_state (SHA_A, false),
    { .type = FOUND_SYMLINK, .target = (char *)"oci-sandbox-hook" },
    file_state (SHA_B, true),
  };
  install_record_undo_plan (&rec, states, steps);
  CHECK_INT (steps[0].action, UNDO_RMDIR);
  CHECK_INT (steps[1].action, UNDO_REMOVE);
  CHECK_INT (steps[2].action, UNDO_REMOVE);
  CHECK_INT (steps[3].action, UNDO_RESTORE);
}

TEST (uninstall_keeps_what_changed_since_and_what_it_still_names)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  undo_step steps[4];

  CHECK_INT (parse (RECORD, &rec, &err), 0);
  /* Someone edited config.toml since, and it still names the wrapper:
     the wrapper, the hook and their directory stay.  */
  found_state states[4] = {
    { .type = FOUND_DIRECTORY },
    file_state (SHA_A, false),
    { .type = FOUND_SYMLINK, .target = (char *)"oci-sandbox-hook" },
    file_state (SHA_A, true),
  };
  install_record_undo_plan (&rec, states, steps);
  CHECK_INT (steps[3].action, UNDO_KEEP);
  CHECK_STR (steps[3].why, "changed since the install");
  CHECK_INT (steps[0].action, UNDO_KEEP_NAMED);
  CHECK_INT (steps[1].action, UNDO_KEEP_NAMED);
  CHECK_INT (steps[2].action, UNDO_KEEP_NAMED);
  CHECK_STR (steps[1].why, "a kept file still names it");

  /* Changed, but no longer naming the prefix: the rest goes.  */
  states[3].names_prefix = false;
  install_record_undo_plan (&rec, states, steps);
  CHECK_INT (steps[3].action, UNDO_KEEP);
  CHECK_INT (steps[1].action, UNDO_REMOVE);
  CHECK_INT (steps[0].action, UNDO_RMDIR);
}

TEST (uninstall_of_an_install_cut_short_or_undone_by_hand)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  undo_step steps[4];

  CHECK_INT (parse (RECORD, &rec, &err), 0);
  /* The record was written, nothing else yet (or everything put back by
     hand): nothing to do.  */
  found_state states[4] = {
    { .type = FOUND_ABSENT },
    { .type = FOUND_ABSENT },
    { .type = FOUND_ABSENT },
    file_state (SHA_C, true),
  };
  install_record_undo_plan (&rec, states, steps);
  for (size_t i = 0; i < 4; i++)
    CHECK_INT (steps[i].action, UNDO_NOTHING);

  /* A changed file someone removed is not put back; a symlink someone
     pointed elsewhere is theirs.  */
  states[3] = (found_state){ .type = FOUND_ABSENT };
  states[2] = (found_state){ .type = FOUND_SYMLINK, .target = (char *)"/usr/bin/runc" };
  install_record_undo_plan (&rec, states, steps);
  CHECK_INT (steps[3].action, UNDO_KEEP);
  CHECK_STR (steps[3].why, "removed since the install: not put back");
  CHECK_INT (steps[2].action, UNDO_KEEP);
  /* A file where the directory was.  */
  states[0] = file_state (SHA_A, false);
  install_record_undo_plan (&rec, states, steps);
  CHECK_INT (steps[0].action, UNDO_KEEP);
}

/* The record of a DaemonSet's node: the directories above the prefix and
   the policy's that the install made, the binary, the wrapper, the policy
   it created, hooks.d, and the engine's configuration.  */
#define POLICY "/etc/oci-sandbox-hook/policy.json"
static const char NODE[]
    = "{\"format\": 1, \"prefix\": \"/opt/osh\", \"engines\": [\"containerd\", \"podman\"], "
      "\"entries\": [\n"
      "  {\"path\": \"/opt\", \"type\": \"directory\", \"action\": \"created\"},\n"
      "  {\"path\": \"/opt/osh\", \"type\": \"directory\", \"action\": \"created\"},\n"
      "  {\"path\": \"/etc/oci-sandbox-hook\", \"type\": \"directory\", \"action\": \"created\"},\n"
      "  {\"path\": \"/etc/containers/oci/hooks.d\", \"type\": \"directory\", "
      "\"action\": \"created\"},\n"
      "  {\"path\": \"/opt/osh/oci-sandbox-hook\", \"type\": \"file\", \"action\": \"created\", "
      "\"sha256\": \"" SHA_A "\"},\n"
      "  {\"path\": \"/opt/osh/oci-sandbox-runtime\", \"type\": \"symlink\", \"action\": "
      "\"created\", \"target\": \"oci-sandbox-hook\"},\n"
      "  {\"path\": \"" POLICY "\", \"type\": \"file\", \"action\": \"modified\", "
      "\"sha256\": \"" SHA_B "\", \"original\": \"6-policy.json\", \"original_sha256\": \"" SHA_C
      "\", \"mode\": 420, \"uid\": 0, \"gid\": 0},\n"
      "  {\"path\": \"/etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json\", \"type\": "
      "\"file\", \"action\": \"created\", \"sha256\": \"" SHA_A "\"},\n"
      "  {\"path\": \"/etc/containerd/config.toml\", \"type\": \"file\", \"action\": \"modified\", "
      "\"sha256\": \"" SHA_B "\", \"original\": \"8-config.toml\", \"original_sha256\": \"" SHA_C
      "\", \"mode\": 420, \"uid\": 0, \"gid\": 0, \"restart\": \"containerd.service\"},\n"
      "  {\"path\": \"/opt/osher\", \"type\": \"directory\", \"action\": \"created\"}\n"
      " ]}\n";

/* Everything as the install left it.  */
static void
node_as_installed (found_state *states)
{
  const found_state dir = { .type = FOUND_DIRECTORY };
  states[0] = states[1] = states[2] = states[3] = states[9] = dir;
  states[4] = file_state (SHA_A, false);
  states[5] = (found_state){ .type = FOUND_SYMLINK, .target = (char *)"oci-sandbox-hook" };
  states[6] = file_state (SHA_B, false);
  states[7] = file_state (SHA_A, false);
  states[8] = file_state (SHA_B, true);
}

TEST (what_live_containers_may_call_is_the_prefix_the_policy_and_their_directories)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  const bool served[10] = { true, true, true, false, true, true, true, false, false, false };

  CHECK_INT (parse (NODE, &rec, &err), 0);
  for (size_t i = 0; i < rec.n_entries; i++)
    {
      if (install_record_serves_containers (&rec, i, POLICY) != served[i])
        printf ("# entry %zu (%s)\n", i, rec.entries[i].path);
      CHECK (install_record_serves_containers (&rec, i, POLICY) == served[i]);
    }
}

TEST (live_containers_keep_the_binary_the_wrapper_the_policy_and_their_directories)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  found_state states[10];
  undo_step steps[10];

  CHECK_INT (parse (NODE, &rec, &err), 0);
  node_as_installed (states);
  install_record_undo_plan (&rec, states, steps);
  CHECK (install_record_removes_served (&rec, POLICY, steps));
  /* Nobody left: nothing is kept.  */
  CHECK_INT (install_record_keep_in_use (&rec, POLICY, 0, steps), 0);
  CHECK_INT (steps[4].action, UNDO_REMOVE);
  CHECK_INT (steps[6].action, UNDO_RESTORE);

  CHECK_INT (install_record_keep_in_use (&rec, POLICY, 3, steps), 6);
  for (size_t i = 0; i < 7; i++)
    if (i != 3)
      CHECK_INT (steps[i].action, UNDO_KEEP_IN_USE);
  CHECK_STR (steps[4].why, "live containers still call it");
  CHECK_STR (steps[6].why, "live containers' calls of the wrapper read it");
  CHECK_STR (steps[1].why, "it holds what live containers call");
  /* The engines' files go all the same: nothing new uses the hook.  */
  CHECK_INT (steps[3].action, UNDO_RMDIR);
  CHECK_INT (steps[7].action, UNDO_REMOVE);
  CHECK_INT (steps[8].action, UNDO_RESTORE);
  /* A sibling whose name starts with the prefix's is not below it.  */
  CHECK_INT (steps[9].action, UNDO_RMDIR);
}

TEST (what_is_gone_or_changed_stays_as_undo_plan_says_with_live_containers)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  found_state states[10];
  undo_step steps[10];

  CHECK_INT (parse (NODE, &rec, &err), 0);
  node_as_installed (states);
  /* The wrapper already gone, the policy changed by the operator (theirs:
     kept as it is, and an error), the binary replaced by hand.  */
  states[5] = (found_state){ .type = FOUND_ABSENT };
  states[6] = file_state (SHA_A, false);
  states[4] = file_state (SHA_C, false);
  install_record_undo_plan (&rec, states, steps);
  install_record_keep_in_use (&rec, POLICY, 1, steps);
  CHECK_INT (steps[5].action, UNDO_NOTHING);
  CHECK_INT (steps[6].action, UNDO_KEEP);
  CHECK_INT (steps[4].action, UNDO_KEEP);
  CHECK_INT (steps[1].action, UNDO_KEEP_IN_USE);

  /* Nothing of the prefix or the policy left to remove: no need to look
     for live containers at all.  */
  states[4] = (found_state){ .type = FOUND_ABSENT };
  states[6] = file_state (SHA_C, false);
  states[0] = states[1] = states[2] = (found_state){ .type = FOUND_ABSENT };
  install_record_undo_plan (&rec, states, steps);
  CHECK (!install_record_removes_served (&rec, POLICY, steps));
}

TEST (an_uninstall_that_kept_files_says_so_in_the_record)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_record install_record rec = { .prefix = NULL };
  cleanup_install_record install_record again = { .prefix = NULL };
  cleanup_free char *out = NULL;
  size_t len = 0;

  CHECK_INT (parse (NODE, &rec, &err), 0);
  CHECK (!rec.uninstalled);
  rec.uninstalled = true;
  CHECK_INT (install_record_render (&rec, &out, &len, &err), 0);
  CHECK (strstr (out, "\"uninstalled\": true") != NULL);
  CHECK_INT (install_record_parse (out, len, &again, &err), 0);
  CHECK (again.uninstalled);
  check_refused ("{\"format\": 1, \"prefix\": \"/p\", \"uninstalled\": \"yes\", \"engines\": [], "
                 "\"entries\": []}",
                 "uninstalled");
}

int
main (void)
{
  RUN (a_record_is_read_back_as_written);
  RUN (a_record_with_a_value_that_is_not_utf8_is_not_rendered);
  RUN (a_damaged_or_hostile_record_is_refused);
  RUN (each_field_of_the_record_with_a_bad_value_is_named);
  RUN (uninstall_restores_and_removes_what_is_unchanged);
  RUN (uninstall_keeps_what_changed_since_and_what_it_still_names);
  RUN (uninstall_of_an_install_cut_short_or_undone_by_hand);
  RUN (what_live_containers_may_call_is_the_prefix_the_policy_and_their_directories);
  RUN (live_containers_keep_the_binary_the_wrapper_the_policy_and_their_directories);
  RUN (what_is_gone_or_changed_stays_as_undo_plan_says_with_live_containers);
  RUN (an_uninstall_that_kept_files_says_so_in_the_record);
  return tap_done ();
}
