/* libFuzzer harness: config.json all the way through the plan and its JSON
   rendering, under fixed host facts (covers the annotation parsers, the
   DNS/hostname renderers and every plan decision), and the fast path's
   scan of its command, which must agree with the full parse wherever both
   read the document.  */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "spec.h"
#include "spec_command.h"
#include "explain.h"
#include "plan.h"

#define HOST_HOSTS       "127.0.0.1 localhost\n::1 localhost\n"
#define HOST_RESOLV_CONF "nameserver 192.0.2.53\nsearch example.net\n"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  container_spec config;
  sandbox_policy policy;
  host_facts host = { .own_oom_score_adj = 0,
                      .cap_sys_resource = size & 1,
                      .selinux_enabled = size & 2,
                      .in_user_namespace = size & 4 };
  target_facts target = { .known = size & 8, .is_own[NAMESPACE_NET] = size & 16 };
  sandbox_plan plan;
  hook_error *err = NULL;

  strcpy (host.hostname, "node-1");
  host.resolv_conf_source = "/etc/resolv.conf";
  /* What host_facts_gather reads from the policy's sources (never freed:
     literals).  */
  host.hosts_content = (char *)HOST_HOSTS;
  host.hosts_len = strlen (HOST_HOSTS);
  host.resolv_conf_content = (char *)HOST_RESOLV_CONF;
  host.resolv_conf_len = strlen (HOST_RESOLV_CONF);
  sandbox_policy_init_defaults (&policy);
  char arg0[4096];
  bool scanned = spec_scan_command ((const char *)data, size, arg0, sizeof arg0);
  if (spec_parse ((const char *)data, size, &config, &err) == 0)
    {
      if (scanned && strcmp (arg0, config.arg0 ? config.arg0 : "") != 0)
        abort ();
      plan_input in = { .config = &config, .policy = &policy, .host = &host, .target = &target };
      if (plan_build (&in, &plan, &err) == 0)
        {
          FILE *out = fopen ("/dev/null", "w");
          if (out)
            {
              hook_error *e2 = NULL;
              if (explain_plan (&plan, "fuzz", "plan", false, out, &e2) < 0)
                hook_error_free (e2);
              fclose (out);
            }
          sandbox_plan_clear (&plan);
        }
    }
  spec_clear (&config);
  sandbox_policy_clear (&policy);
  hook_error_free (err);
  return 0;
}
