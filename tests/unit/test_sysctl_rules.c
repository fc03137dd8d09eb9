#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "sysctl_rules.h"
#include "tap.h"
#include "validator_cases.h"

typedef struct namespace_case
{
  const char *name;
  sysctl_namespace ns;
} namespace_case;

typedef struct entry_case
{
  const char *name, *value;
  bool own_ipc, own_net, own_uts;
  const char *mention; /* NULL: accepted */
} entry_case;

static void
check_namespaces (const namespace_case *cases, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      sysctl_namespace ns = sysctl_namespace_of (cases[i].name);

      if (ns != cases[i].ns)
        {
          char detail[64];

          snprintf (detail, sizeof detail, "namespace %d, expected %d", (int)ns, (int)cases[i].ns);
          report ("sysctl", cases[i].name, detail);
        }
    }
}

static void
check_entries (const entry_case *cases, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      int ret = sysctl_entry_check (cases[i].name, cases[i].value, cases[i].own_ipc,
                                    cases[i].own_net, cases[i].own_uts, &err);

      if (cases[i].mention == NULL
              ? ret != 0 || err != NULL
              : ret != -1 || err == NULL || strstr (err->message, cases[i].mention) == NULL)
        {
          printf ("# case %zu: ret %d, error \"%s\", expected %s%s\n", i, ret,
                  err ? err->message : "(none)", cases[i].mention ? "one mentioning " : "success",
                  cases[i].mention ? cases[i].mention : "");
          tap_current_failed = true;
        }
    }
}

/* Names */

TEST (sysctl_name_dotted_or_slashed_is_accepted)
{
  static const char *const values[] = {
    "net.ipv4.ip_forward",
    "net/ipv4/ip_forward",
    "net.ipv4.ip_local_port_range",
    "kernel.shm_rmid_forced",
    "fs.file-max",
    "net/ipv4/conf/eth0.100/forwarding",
    "a",
    "0",
  };

  check_all_accepted (sysctl_name_validate, values, N_ELEMENTS (values));
}

TEST (sysctl_name_with_empty_segment_is_refused)
{
  static const reject_case cases[] = {
    { "", "\"\": not a sysctl name (empty)" },
    { "net..ipv4", "\"net..ipv4\": not a sysctl name (empty segment)" },
    { ".net", "\".net\": not a sysctl name" },
    { "net.ipv4.", "\"net.ipv4.\": not a sysctl name" },
    { "net//ipv4", "not a sysctl name" },
    { "/net/ipv4", "not a sysctl name" },
  };

  check_all_refused (sysctl_name_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_name_path_traversal_is_refused)
{
  static const reject_case cases[] = {
    { "net.ipv4/../../kernel/core_pattern", "\"net.ipv4/../../kernel/core_pattern\": not a "
                                            "sysctl name" },
    { "net/ipv4/../../../etc/shadow", "not a sysctl name" },
    { "net/./ipv4", "not a sysctl name" },
  };

  check_all_refused (sysctl_name_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_name_with_assignment_or_plus_is_refused)
{
  static const reject_case cases[] = {
    { "net.ipv4.ip_forward=1", "\"net.ipv4.ip_forward=1\": not a sysctl name" },
    { "1+kernel.core_pattern", "\"1+kernel.core_pattern\": not a sysctl name" },
    { "net.ipv4.ip_forward\nkernel.core_pattern", "\"net.ipv4.ip_forward\\nkernel.core_pattern\": "
                                                  "not a sysctl name" },
    { "net.ipv4 .ip_forward", "not a sysctl name" },
  };

  check_all_refused (sysctl_name_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_name_with_upper_case_is_refused)
{
  static const reject_case cases[] = {
    { "Net.ipv4", "\"Net.ipv4\": not a sysctl name" },
    { "net.IPv4.ip_forward", "not a sysctl name" },
  };

  check_all_refused (sysctl_name_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_name_segment_edged_with_dash_or_underscore_is_refused)
{
  static const reject_case cases[] = {
    { "-net.ipv4", "not a sysctl name" },
    { "net-.ipv4", "not a sysctl name" },
    { "_net.ipv4", "not a sysctl name" },
    { "net_.ipv4", "not a sysctl name" },
    { "net.ipv4.-ip_forward", "not a sysctl name" },
    { "net.ipv4.ip_forward_", "not a sysctl name" },
    { "net/-ipv4", "not a sysctl name" },
    { "net.-", "not a sysctl name" },
  };

  check_all_refused (sysctl_name_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_name_of_253_characters_is_accepted)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *name = repeat ('a', 253);

  name[3] = '.';
  CHECK_INT (sysctl_name_validate (name, &err), 0);
}

TEST (sysctl_name_longer_than_253_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *name = repeat ('a', 254);

  name[3] = '.';
  CHECK_INT (sysctl_name_validate (name, &err), -1);
  CHECK_ERROR_MENTIONS (err, "not a sysctl name (longer than 253 characters)");
}

/* Namespaces */

TEST (sysctl_ipc_names_belong_to_the_ipc_namespace)
{
  static const namespace_case cases[] = {
    { "kernel.msgmax", SYSCTL_NS_IPC },         { "kernel.msgmnb", SYSCTL_NS_IPC },
    { "kernel.msgmni", SYSCTL_NS_IPC },         { "kernel.sem", SYSCTL_NS_IPC },
    { "kernel.shmall", SYSCTL_NS_IPC },         { "kernel.shmmax", SYSCTL_NS_IPC },
    { "kernel.shmmni", SYSCTL_NS_IPC },         { "kernel.shm_rmid_forced", SYSCTL_NS_IPC },
    { "fs.mqueue.msg_max", SYSCTL_NS_IPC },     { "fs.mqueue.queues_max", SYSCTL_NS_IPC },
    { "fs/mqueue/msgsize_max", SYSCTL_NS_IPC }, { "kernel/shmmax", SYSCTL_NS_IPC },
  };

  check_namespaces (cases, N_ELEMENTS (cases));
}

TEST (sysctl_net_prefix_belongs_to_the_network_namespace)
{
  static const namespace_case cases[] = {
    { "net.core.somaxconn", SYSCTL_NS_NET },
    { "net.ipv4.ip_forward", SYSCTL_NS_NET },
    { "net/ipv4/ip_forward", SYSCTL_NS_NET },
    { "net.ipv4/ping_group_range", SYSCTL_NS_NET },
    { "net/ipv4/conf/eth0.100/forwarding", SYSCTL_NS_NET },
  };

  check_namespaces (cases, N_ELEMENTS (cases));
}

TEST (sysctl_kernel_domainname_belongs_to_the_uts_namespace)
{
  static const namespace_case cases[] = {
    { "kernel.domainname", SYSCTL_NS_UTS },
    { "kernel/domainname", SYSCTL_NS_UTS },
  };

  check_namespaces (cases, N_ELEMENTS (cases));
}

TEST (sysctl_host_wide_names_belong_to_no_namespace)
{
  static const namespace_case cases[] = {
    { "kernel.hostname", SYSCTL_NS_NONE },
    { "kernel.core_pattern", SYSCTL_NS_NONE },
    { "kernel/core_pattern", SYSCTL_NS_NONE },
    { "vm.overcommit_memory", SYSCTL_NS_NONE },
    { "fs.file-max", SYSCTL_NS_NONE },
    { "fs.mqueue", SYSCTL_NS_NONE },
    { "net", SYSCTL_NS_NONE },
    { "kernel", SYSCTL_NS_NONE },
    { "kernel.sem.x", SYSCTL_NS_NONE },
    { "kernel.shmmax2", SYSCTL_NS_NONE },
    { "kernel.sh", SYSCTL_NS_NONE },
    { "kernel.domainname2", SYSCTL_NS_NONE },
    { "network.x", SYSCTL_NS_NONE },
    { "fs.mqueuex.y", SYSCTL_NS_NONE },
    { "xnet.ipv4", SYSCTL_NS_NONE },
  };

  check_namespaces (cases, N_ELEMENTS (cases));
}

TEST (sysctl_name_outside_the_grammar_belongs_to_no_namespace)
{
  static const namespace_case cases[] = {
    { "net.ipv4/../../kernel/core_pattern", SYSCTL_NS_NONE },
    { "net.", SYSCTL_NS_NONE },
    { "net..ipv4", SYSCTL_NS_NONE },
    { "Net.ipv4", SYSCTL_NS_NONE },
    { "", SYSCTL_NS_NONE },
    { NULL, SYSCTL_NS_NONE },
  };

  check_namespaces (cases, N_ELEMENTS (cases));
}

/* Values */

TEST (sysctl_value_printable_is_accepted)
{
  cleanup_free char *longest = repeat ('9', 4096);
  const char *values[] = {
    "0", "0 2147483647", "1024\t65535", "32768 60999", "-1", "|/usr/bin/x %p", longest,
  };

  check_all_accepted (sysctl_value_validate, values, N_ELEMENTS (values));
}

TEST (sysctl_value_smuggling_a_second_assignment_is_refused)
{
  static const reject_case cases[] = {
    { "1+kernel.core_pattern=|/x", "\"1+kernel.core_pattern=|/x\": not a sysctl value" },
    { "a=b", "\"a=b\": not a sysctl value ('+' and '=' are not allowed)" },
    { "1+2", "not a sysctl value ('+' and '=' are not allowed)" },
  };

  check_all_refused (sysctl_value_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_value_with_control_character_is_refused)
{
  static const reject_case cases[] = {
    { "80\n90", "\"80\\n90\": not a sysctl value (control or non-ASCII character)" },
    { "80\r", "not a sysctl value" },
    { "1\x1b", "\"1\\x1b\": not a sysctl value" },
    { "1\x7f", "not a sysctl value" },
    { "\v1", "not a sysctl value" },
  };

  check_all_refused (sysctl_value_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_value_with_non_ascii_byte_is_refused)
{
  static const reject_case cases[] = {
    { "1\xc2\xa0", "\"1\\xc2\\xa0\": not a sysctl value (control or non-ASCII character)" },
    { "\xff", "not a sysctl value" },
  };

  check_all_refused (sysctl_value_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_value_empty_or_edged_with_blanks_is_refused)
{
  static const reject_case cases[] = {
    { "", "\"\": not a sysctl value (empty)" },
    { " 80", "\" 80\": not a sysctl value (leading or trailing blank)" },
    { "80 ", "not a sysctl value (leading or trailing blank)" },
    { "\t80", "not a sysctl value" },
    { "80\t", "not a sysctl value" },
    { " ", "not a sysctl value" },
  };

  check_all_refused (sysctl_value_validate, cases, N_ELEMENTS (cases));
}

TEST (sysctl_value_longer_than_4096_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *value = repeat ('9', 4097);

  CHECK_INT (sysctl_value_validate (value, &err), -1);
  CHECK_ERROR_MENTIONS (err, "not a sysctl value (longer than 4096 characters)");
  /* The quoted value is truncated, not 4097 characters of log.  */
  CHECK (err != NULL && strlen (err->message) < 200);
}

/* Whole entries */

TEST (sysctl_entry_in_an_owned_namespace_is_accepted)
{
  static const entry_case cases[] = {
    { "net.ipv4.ip_unprivileged_port_start", "0", false, true, false, NULL },
    { "net/ipv4/ping_group_range", "0 2147483647", false, true, false, NULL },
    { "kernel.shm_rmid_forced", "1", true, false, false, NULL },
    { "fs.mqueue.msg_max", "10", true, false, false, NULL },
    { "kernel.domainname", "example", false, false, true, NULL },
  };

  check_entries (cases, N_ELEMENTS (cases));
}

TEST (sysctl_entry_not_namespaced_is_refused)
{
  static const entry_case cases[] = {
    { "kernel.core_pattern", "|/x", true, true, true,
      "kernel.core_pattern: not a namespaced sysctl" },
    { "vm.overcommit_memory", "1", true, true, true,
      "vm.overcommit_memory: not a namespaced sysctl" },
    { "fs.file-max", "100", true, true, true, "fs.file-max: not a namespaced sysctl" },
    { "kernel.hostname", "evil", true, true, true, "kernel.hostname: not a namespaced sysctl" },
    { "fs.mqueue", "1", true, true, true, "fs.mqueue: not a namespaced sysctl" },
  };

  check_entries (cases, N_ELEMENTS (cases));
}

TEST (sysctl_entry_in_the_host_namespace_is_refused)
{
  static const entry_case cases[] = {
    { "net.ipv4.ip_forward", "1", true, false, true,
      "net.ipv4.ip_forward: the container shares the host's network namespace" },
    { "kernel.shmmax", "1", false, true, true,
      "kernel.shmmax: the container shares the host's IPC namespace" },
    { "fs/mqueue/msg_max", "10", false, true, true,
      "fs/mqueue/msg_max: the container shares the host's IPC namespace" },
    { "kernel.domainname", "x", true, true, false,
      "kernel.domainname: the container shares the host's UTS namespace" },
  };

  check_entries (cases, N_ELEMENTS (cases));
}

TEST (sysctl_entry_with_bad_name_or_value_is_refused)
{
  static const entry_case cases[] = {
    { "net.ipv4.ip_forward=1", "1", true, true, true,
      "\"net.ipv4.ip_forward=1\": not a sysctl name" },
    { "net.ipv4/../../kernel/core_pattern", "|/x", true, true, true, "not a sysctl name" },
    { "net.ipv4.ip_forward", "1+kernel.core_pattern=|/x", true, true, true,
      "net.ipv4.ip_forward: \"1+kernel.core_pattern=|/x\": not a sysctl value" },
    { "net.ipv4.ip_forward", "80\n90", true, true, true,
      "net.ipv4.ip_forward: \"80\\n90\": not a sysctl value" },
    { "net.ipv4.ip_forward", "", true, true, true,
      "net.ipv4.ip_forward: \"\": not a sysctl value" },
    /* The grammar comes before the namespace: the value is reported even
       for a name that would be refused anyway.  */
    { "kernel.core_pattern", "1+x", true, true, true,
      "kernel.core_pattern: \"1+x\": not a sysctl value" },
  };

  check_entries (cases, N_ELEMENTS (cases));
}

int
main (void)
{
  RUN (sysctl_name_dotted_or_slashed_is_accepted);
  RUN (sysctl_name_with_empty_segment_is_refused);
  RUN (sysctl_name_path_traversal_is_refused);
  RUN (sysctl_name_with_assignment_or_plus_is_refused);
  RUN (sysctl_name_with_upper_case_is_refused);
  RUN (sysctl_name_segment_edged_with_dash_or_underscore_is_refused);
  RUN (sysctl_name_of_253_characters_is_accepted);
  RUN (sysctl_name_longer_than_253_is_refused);
  RUN (sysctl_ipc_names_belong_to_the_ipc_namespace);
  RUN (sysctl_net_prefix_belongs_to_the_network_namespace);
  RUN (sysctl_kernel_domainname_belongs_to_the_uts_namespace);
  RUN (sysctl_host_wide_names_belong_to_no_namespace);
  RUN (sysctl_name_outside_the_grammar_belongs_to_no_namespace);
  RUN (sysctl_value_printable_is_accepted);
  RUN (sysctl_value_smuggling_a_second_assignment_is_refused);
  RUN (sysctl_value_with_control_character_is_refused);
  RUN (sysctl_value_with_non_ascii_byte_is_refused);
  RUN (sysctl_value_empty_or_edged_with_blanks_is_refused);
  RUN (sysctl_value_longer_than_4096_is_refused);
  RUN (sysctl_entry_in_an_owned_namespace_is_accepted);
  RUN (sysctl_entry_not_namespaced_is_refused);
  RUN (sysctl_entry_in_the_host_namespace_is_refused);
  RUN (sysctl_entry_with_bad_name_or_value_is_refused);
  return tap_done ();
}
