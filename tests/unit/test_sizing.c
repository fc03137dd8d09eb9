/* sizing: the four numbers Kata sizes a VM from, found under any engine.  */
#include <config.h>

#include <string.h>

#include "sizing.h"
#include "tap.h"

TEST (crio_pod_resources_json_gives_all_four)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_crio_json ("{\"cpu_period\":100000,\"cpu_quota\":200000,\"cpu_shares\":2048,"
                                "\"memory_limit_in_bytes\":536870912,\"hugepage_limits\":[]}",
                                &s, &err)
         == 0);
  CHECK (s.present);
  CHECK_INT (s.cpu_period, 100000);
  CHECK_INT (s.cpu_quota, 200000);
  CHECK_INT (s.cpu_shares, 2048);
  CHECK_INT (s.memory, 536870912);
  CHECK_INT (kata_vcpus (&s), 2);
  CHECK_INT (kata_memory_mib (&s), 512);
}

TEST (crio_pod_resources_unlimited_quota_is_minus_one)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_crio_json ("{\"cpu_quota\":-1,\"cpu_shares\":3072}", &s, &err) == 0);
  CHECK_INT (s.cpu_quota, -1);
  /* Kata >= 3.32 falls back to the shares when the quota is unlimited.  */
  CHECK_INT (kata_vcpus (&s), 3);
}

TEST (crio_pod_resources_hostile_values_are_refused)
{
  static const char *const bad[] = {
    "{\"cpu_quota\":-2}",
    "{\"cpu_period\":-1}",
    "{\"memory_limit_in_bytes\":1e9}",
    "{\"cpu_shares\":\"2\"}",
    "{\"cpu_period\":1.5}",
    "[1]",
    "{\"cpu_period\":1,\"cpu_period\":2}",
    "not json",
    "{\"cpu_period\":99999999999999999999}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_sizing s;
      if (sizing_from_crio_json (bad[i], &s, &err) == 0)
        {
          printf ("# accepted: %s\n", bad[i]);
          tap_current_failed = true;
        }
    }
}

TEST (cgroup_v1_parent_limits)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_cgroup_v1 ("100000\n", "150000\n", "1536\n", "1073741824\n", &s, &err) == 0);
  CHECK_INT (s.cpu_period, 100000);
  CHECK_INT (s.cpu_quota, 150000);
  CHECK_INT (s.cpu_shares, 1536);
  CHECK_INT (s.memory, 1073741824);
  /* 1500 milli-CPUs: Kata rounds up to whole vCPUs.  */
  CHECK_INT (kata_vcpus (&s), 2);
  CHECK_INT (kata_memory_mib (&s), 1024);
}

/* Kata's arithmetic exactly: milli-CPUs rounded down first, then whole
   vCPUs rounded up.  */
TEST (kata_vcpus_round_up_from_milli_cpus)
{
  sandbox_sizing s = { .present = true, .cpu_period = 100000 };
  static const struct
  {
    int64_t quota, vcpus;
  } cases[] = {
    { 0, 0 },
    { 1, 0 }, /* 0.01 milli-CPU: 0 milli, 0 vCPUs */
    { 100, 1 },
    { 100000, 1 },
    { 100001, 1 }, /* 1000.01 milli: 1000 */
    { 100100, 2 },
    { 150000, 2 },
    { 200000, 2 },
    { 250000, 3 },
    { INT64_MAX, INT64_MAX / 100000 + 1 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      s.cpu_quota = cases[i].quota;
      CHECK_INT (kata_vcpus (&s), cases[i].vcpus);
    }
  s.cpu_period = 1;
  s.cpu_quota = INT64_MAX;
  CHECK_INT (kata_vcpus (&s), INT64_MAX);
  s.cpu_period = 0;
  CHECK_INT (kata_vcpus (&s), 0);
}

TEST (cgroup_v1_unlimited_memory_is_no_limit)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_cgroup_v1 ("100000\n", "-1\n", "1024\n", "9223372036854771712\n", &s, &err)
         == 0);
  CHECK_INT (s.cpu_quota, 0);
  CHECK_INT (s.memory, 0);
}

/* A pod with a memory limit and no CPU limit or request: kubelet gives
   containerd quota 0 (milliCPUToQuota of no limit) and shares 2, which
   Kata sizes at 0 vCPUs; a quota of -1 would make Kata >= 3.32 count
   ceil (2 / 1024) = 1 vCPU from the shares.  */
TEST (cgroup_without_a_cpu_limit_gives_containerds_quota_0)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_cgroup_v1 ("100000\n", "-1\n", "2\n", "536870912\n", &s, &err) == 0);
  CHECK_INT (s.cpu_period, 100000);
  CHECK_INT (s.cpu_quota, 0);
  CHECK_INT (s.cpu_shares, 2);
  CHECK_INT (kata_vcpus (&s), 0);
  CHECK (sizing_from_cgroup_v2 ("max 100000\n", "1\n", "536870912\n", &s, &err) == 0);
  CHECK_INT (s.cpu_quota, 0);
  CHECK_INT (s.cpu_shares, 2);
  CHECK_INT (kata_vcpus (&s), 0);
}

TEST (cgroup_v2_parent_limits)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_cgroup_v2 ("200000 100000\n", "79\n", "536870912\n", &s, &err) == 0);
  CHECK_INT (s.cpu_quota, 200000);
  CHECK_INT (s.cpu_period, 100000);
  /* Weight 79 is what the legacy conversion gives for 2048 shares; its
     inverse is lossy (2046), and still rounds up to the same 2 vCPUs.  */
  CHECK_INT (s.cpu_shares, 2046);
  CHECK_INT ((s.cpu_shares + 1023) / 1024, 2);
  CHECK_INT (s.memory, 536870912);
  CHECK_INT (kata_vcpus (&s), 2);
}

TEST (cgroup_v2_max_means_unlimited)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_cgroup_v2 ("max 100000\n", NULL, "max\n", &s, &err) == 0);
  CHECK_INT (s.cpu_quota, 0);
  CHECK_INT (s.memory, 0);
  CHECK_INT (s.cpu_shares, 0);
}

TEST (cgroup_files_with_junk_are_refused)
{
  static const char *const bad_v2[]
      = { "200000", "0x10 100000", " 5 100000", "5 100000 junk", "-5 100000" };
  for (size_t i = 0; i < sizeof bad_v2 / sizeof bad_v2[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_sizing s;
      if (sizing_from_cgroup_v2 (bad_v2[i], NULL, NULL, &s, &err) == 0)
        {
          printf ("# accepted cpu.max: %s\n", bad_v2[i]);
          tap_current_failed = true;
        }
    }
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (sizing_from_cgroup_v2 (NULL, "10001\n", NULL, &s, &err) < 0);
  CHECK_ERROR_MENTIONS (err, "cpu.weight");
}

int
main (void)
{
  RUN (crio_pod_resources_json_gives_all_four);
  RUN (crio_pod_resources_unlimited_quota_is_minus_one);
  RUN (crio_pod_resources_hostile_values_are_refused);
  RUN (cgroup_v1_parent_limits);
  RUN (kata_vcpus_round_up_from_milli_cpus);
  RUN (cgroup_v1_unlimited_memory_is_no_limit);
  RUN (cgroup_without_a_cpu_limit_gives_containerds_quota_0);
  RUN (cgroup_v2_parent_limits);
  RUN (cgroup_v2_max_means_unlimited);
  RUN (cgroup_files_with_junk_are_refused);
  return tap_done ();
}
