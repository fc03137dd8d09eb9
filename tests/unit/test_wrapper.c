/* wrapper: which containers the runtime wrapper edits, the hook entries it
   adds, and runc's log line for its refusals.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "render.h"
#include "tap.h"
#include "wrapper.h"

static const json_limits limits = { .max_bytes = 1 << 20, .max_depth = 64 };

/* Classify TEXT under the default policy.  */
static int
classify (const char *text, wrapped_kind *kind, char *reason, size_t size, hook_error **err)
{
  cleanup_json json_doc *doc = NULL;
  sandbox_policy policy;
  int ret;

  sandbox_policy_init_defaults (&policy);
  ret = json_parse (text, strlen (text), &limits, &doc, err);
  if (ret == 0)
    ret = wrapper_classify (&policy, json_doc_root (doc), kind, reason, size, err);
  sandbox_policy_clear (&policy);
  return ret;
}

#define CHECK_KIND(text, expected, reason_part)                                                    \
  do                                                                                               \
    {                                                                                              \
      cleanup_hook_error hook_error *ke_ = NULL;                                                   \
      wrapped_kind kk_ = WRAPPED_PLAIN;                                                            \
      char kr_[320] = "";                                                                          \
      CHECK (classify ((text), &kk_, kr_, sizeof kr_, &ke_) == 0);                                 \
      CHECK_INT (kk_, (expected));                                                                 \
      if (strstr (kr_, (reason_part)) == NULL)                                                     \
        {                                                                                          \
          printf ("# reason \"%s\" lacks \"%s\"\n", kr_, (reason_part));                           \
          tap_current_failed = true;                                                               \
        }                                                                                          \
    }                                                                                              \
  while (0)

TEST (sandboxes_by_annotation_or_command)
{
  CHECK_KIND ("{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
              "\"io.kubernetes.cri.sandbox-id\":\"abc\"}}",
              WRAPPED_SANDBOX, "io.kubernetes.cri.container-type=sandbox");
  CHECK_KIND ("{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
              "\"io.kubernetes.cri-o.SandboxID\":\"abc\"}}",
              WRAPPED_SANDBOX, "cri-o.ContainerType=sandbox");
  CHECK_KIND ("{\"process\":{\"args\":[\"/catatonit\",\"-P\"]}}", WRAPPED_SANDBOX,
              "command /catatonit");
}

TEST (pod_members_of_containerd_cri_o_and_podman)
{
  CHECK_KIND ("{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
              "\"io.kubernetes.cri.sandbox-id\":\"abc\"}}",
              WRAPPED_MEMBER, "pod member: annotation io.kubernetes.cri.sandbox-id");
  CHECK_KIND ("{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"container\","
              "\"io.kubernetes.cri-o.SandboxID\":\"abc\"}}",
              WRAPPED_MEMBER, "pod member: annotation io.kubernetes.cri-o.SandboxID");
  /* podman's pod members carry only the SandboxID.  */
  CHECK_KIND ("{\"annotations\":{\"io.kubernetes.cri-o.SandboxID\":\"abc\"}}", WRAPPED_MEMBER,
              "pod member");
}

TEST (neither_sandbox_nor_member_is_plain)
{
  CHECK_KIND ("{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\"}}",
              WRAPPED_PLAIN, "neither");
  CHECK_KIND ("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"]},\"annotations\":null}",
              WRAPPED_PLAIN, "neither");
  CHECK_KIND ("{}", WRAPPED_PLAIN, "neither");
}

TEST (member_match_of_the_policy_decides)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;
  sandbox_policy policy;
  wrapped_kind kind = WRAPPED_SANDBOX;
  char reason[320];
  const char *off = "{\"member_match\": []}";
  const char *text = "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
                     "\"io.kubernetes.cri.sandbox-id\":\"abc\"}}";

  sandbox_policy_init_defaults (&policy);
  CHECK (sandbox_policy_parse (off, strlen (off), &policy, &err) == 0);
  CHECK (json_parse (text, strlen (text), &limits, &doc, &err) == 0);
  CHECK (doc
         && wrapper_classify (&policy, json_doc_root (doc), &kind, reason, sizeof reason, &err)
                == 0);
  CHECK_INT (kind, WRAPPED_PLAIN);
  sandbox_policy_clear (&policy);
}

TEST (malformed_annotations_are_refused)
{
  static const char *const bad[] = {
    "{\"annotations\":{\"io.kubernetes.cri.container-type\":1}}",
    "{\"annotations\":[\"io.kubernetes.cri.container-type=sandbox\"]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      wrapped_kind k;
      char r[320];
      CHECK (classify (bad[i], &k, r, sizeof r, &err) < 0);
      CHECK_ERROR_MENTIONS (err, "config annotations");
    }
  cleanup_hook_error hook_error *err = NULL;
  wrapped_kind k;
  char r[320];
  CHECK (classify ("[]", &k, r, sizeof r, &err) < 0);
  CHECK_ERROR_MENTIONS (err, "config");
}

TEST (hook_entry_with_the_default_policy)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;
  CHECK (wrapper_hook_entry ("/usr/libexec/oci/hooks.d/oci-sandbox-hook", NULL, "createRuntime",
                             &doc, &err)
         == 0);
  const json_value *e = doc ? json_doc_root (doc) : NULL;
  CHECK_STR (json_get (e, "path")->u.scalar.text, "/usr/libexec/oci/hooks.d/oci-sandbox-hook");
  const json_value *args = json_get (e, "args");
  CHECK (args && args->u.array.count == 2);
  CHECK_STR (args->u.array.items[0]->u.scalar.text, "oci-sandbox-hook");
  CHECK_STR (args->u.array.items[1]->u.scalar.text, "createRuntime");
  const json_value *env = json_get (e, "env");
  CHECK (env && env->u.array.count == 1);
  CHECK_STR (env->u.array.items[0]->u.scalar.text, "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  CHECK (json_get (e, "timeout") && json_get (e, "timeout")->kind == JSON_NUMBER);
  CHECK_STR (json_get (e, "timeout")->u.scalar.text, "40");
}

TEST (hook_entry_names_a_non_default_policy)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;
  CHECK (wrapper_hook_entry ("/h", "/tmp/p.json", "poststop", &doc, &err) == 0);
  const json_value *args = doc ? json_get (json_doc_root (doc), "args") : NULL;
  CHECK (args && args->u.array.count == 4);
  CHECK_STR (args->u.array.items[1]->u.scalar.text, "--policy");
  CHECK_STR (args->u.array.items[2]->u.scalar.text, "/tmp/p.json");
  CHECK_STR (args->u.array.items[3]->u.scalar.text, "poststop");
}

TEST (hook_entry_paths_must_be_absolute_and_utf8)
{
  static const char *const bad[][2] = {
    { "oci-sandbox-hook", NULL },
    { "/h/../x", NULL },
    { "/h", "policy.json" },
    { "/h/\xff", NULL },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_json json_doc *doc = NULL;
      CHECK (wrapper_hook_entry (bad[i][0], bad[i][1], "createRuntime", &doc, &err) < 0);
      CHECK (err != NULL && doc == NULL);
    }
}

TEST (hook_entry_with_a_policy_path_that_is_not_utf8_is_refused)
{
  /* yajl refuses such a string by writing nothing: the entry must not
     come out with the policy path silently dropped from its args.  */
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;
  CHECK (wrapper_hook_entry ("/h", "/p/\xff", "createRuntime", &doc, &err) < 0);
  CHECK (doc == NULL);
  CHECK_ERROR_MENTIONS (err, "hook entry");
}

TEST (hook_patch_adds_once)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *entry = NULL, *spec = NULL, *other = NULL;
  CHECK (wrapper_hook_entry ("/h", NULL, "createRuntime", &entry, &err) == 0);
  CHECK (wrapper_hook_entry ("/h", "/p", "createRuntime", &other, &err) == 0);
  /* The same path and args with another timeout and env: already there.  */
  const char *text = "{\"hooks\":{\"createRuntime\":[{\"path\":\"/h\",\"timeout\":3,"
                     "\"args\":[\"oci-sandbox-hook\",\"createRuntime\"]}]}}";
  CHECK (json_parse (text, strlen (text), &limits, &spec, &err) == 0);
  json_patch p[2] = { wrapper_hook_patch ("createRuntime", entry),
                      wrapper_hook_patch ("createRuntime", other) };
  CHECK_INT (json_patches_count_absent (json_doc_root (spec), p, 1), 0);
  CHECK_INT (json_patches_count_absent (json_doc_root (spec), p + 1, 1), 1);
  json_patch post = wrapper_hook_patch ("poststop", entry);
  CHECK_STR (post.path[0], "hooks");
  CHECK_STR (post.key, "poststop");
  CHECK_INT (json_patches_count_absent (json_doc_root (spec), &post, 1), 1);
}

TEST (log_line_in_runc_json)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *line = NULL;
  cleanup_json json_doc *doc = NULL;
  size_t len = 0;
  const char *msg = "oci-sandbox-runtime: annotation \"x\": bad \\ value\nnext\x01\xc3\xa9";
  CHECK (wrapper_log_line (true, msg, 86400 * 365, &line, &len, &err) == 0);
  CHECK (line && len == strlen (line) && line[len - 1] == '\n');
  CHECK (line && strncmp (line, "{\"level\":\"error\",\"msg\":\"oci-sandbox-runtime: ", 44) == 0);
  CHECK (line && strstr (line, ",\"time\":\"1971-01-01T00:00:00Z\"}\n") != NULL);
  /* One line, valid JSON, the message back (bytes past ASCII escaped).  */
  CHECK (line && strchr (line, '\n') == line + len - 1);
  CHECK (json_parse (line, len, &limits, &doc, &err) == 0);
  const json_value *m = doc ? json_get (json_doc_root (doc), "msg") : NULL;
  CHECK_STR (m ? m->u.scalar.text : NULL,
             "oci-sandbox-runtime: annotation \"x\": bad \\ value\nnext\x01\xc3\x83\xc2\xa9");
}

TEST (log_line_in_runc_text)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *line = NULL;
  size_t len = 0;
  CHECK (wrapper_log_line (false, "a \"b\"\tc\xff", 0, &line, &len, &err) == 0);
  CHECK_STR (line, "time=\"1970-01-01T00:00:00Z\" level=error msg=\"a \\\"b\\\"\\tc\\xff\"\n");
}

int
main (void)
{
  RUN (sandboxes_by_annotation_or_command);
  RUN (pod_members_of_containerd_cri_o_and_podman);
  RUN (neither_sandbox_nor_member_is_plain);
  RUN (member_match_of_the_policy_decides);
  RUN (malformed_annotations_are_refused);
  RUN (hook_entry_with_the_default_policy);
  RUN (hook_entry_names_a_non_default_policy);
  RUN (hook_entry_paths_must_be_absolute_and_utf8);
  RUN (hook_entry_with_a_policy_path_that_is_not_utf8_is_refused);
  RUN (hook_patch_adds_once);
  RUN (log_line_in_runc_json);
  RUN (log_line_in_runc_text);
  return tap_done ();
}
