/* The pure parsing helpers the Linux mechanisms rely on: /proc/PID/cgroup
   and mountinfo (src/decide/cgroup_paths.h; docs/security.md, threat 8),
   sysctl read-back and the two known sysctl files (src/linux/sysctl.h;
   threats 1, 4), and the content of an oom_score_adj file (src/linux/oom.h;
   threat 6).

   tests/data/proc-cgroup-hybrid.txt and mountinfo-hybrid.txt are
   /proc/self/cgroup and /proc/self/mountinfo of the Debian 12 test machine
   (hybrid: v1 controllers, cgroup2 at /sys/fs/cgroup/unified without cpu),
   with one mount of the test harness left out.  */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_paths.h"
#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "oom.h"
#include "json.h"
#include "safepath.h"
#include "sysctl.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* Makefile.am passes the absolute fixture directory; a standalone build runs
   from the top of the tree.  */
#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

/* A v1 host: cpu and cpuacct co-mounted, no v2 line.  */
static const char proc_cgroup_v1[] = "12:hugetlb:/kubepods/besteffort/pod1/abc\n"
                                     "11:cpu,cpuacct:/kubepods/besteffort/pod1/abc\n"
                                     "10:memory:/kubepods/besteffort/pod1/abc\n"
                                     "9:net_cls,net_prio:/kubepods/besteffort/pod1/abc\n"
                                     "8:cpuset:/kubepods/besteffort/pod1/abc\n"
                                     "1:name=systemd:/kubepods/besteffort/pod1/abc\n";

/* A pure v2 host.  */
static const char proc_cgroup_v2[] = "0::/kubepods/pod1/abc\n";

static const char mountinfo_v1[]
    = "21 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      "24 21 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
      "25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
      "26 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup "
      "cgroup rw,xattr,name=systemd\n"
      "30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:12 "
      "master:3 - cgroup cgroup rw,cpu,cpuacct\n"
      "31 25 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:13 - cgroup "
      "cgroup rw,cpuset\n";

static const char mountinfo_v2[]
    = "21 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      "26 24 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
      "rw,nsdelegate,memory_recursiveprot\n";

static char *
read_fixture (const char *name)
{
  char path[PATH_MAX];
  cleanup_hook_error hook_error *err = NULL;
  char *buf = NULL;
  size_t len;

  snprintf (path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read_fd_bounded (fd, 1u << 20, &buf, &len, &err) < 0)
    {
      printf ("# cannot read fixture %s\n", path);
      tap_current_failed = true;
      return NULL;
    }
  return buf;
}

typedef struct path_case
{
  const char *controller; /* NULL: the v2 "0::" line */
  const char *path;       /* NULL: not found */
} path_case;

static void
check_paths (const char *proc_cgroup, const path_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      char out[PATH_MAX] = "untouched";
      int ret = cgroup_path_for (proc_cgroup, cases[i].controller, out, sizeof out);

      if (cases[i].path ? ret != 0 || strcmp (out, cases[i].path) != 0 : ret != -1)
        {
          printf ("# controller %s: ret %d, path \"%s\", expected %s\n",
                  cases[i].controller ? cases[i].controller : "(v2)", ret, ret == 0 ? out : "",
                  cases[i].path ? cases[i].path : "not found");
          tap_current_failed = true;
        }
    }
}

/* The first match, as the hook takes it before opening the mount.  */
static int
first_mount (const char *mountinfo, const char *controller, char *mp, size_t mp_size, char *root,
             size_t root_size)
{
  uint64_t id;
  return cgroup_mount_next (&mountinfo, controller, &id, mp, mp_size, root, root_size);
}

typedef struct mount_case
{
  const char *controller;
  const char *mount_point; /* NULL: not found */
  const char *root;
} mount_case;

static void
check_mounts (const char *mountinfo, const mount_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      char mp[PATH_MAX] = "", root[PATH_MAX] = "";
      int ret = first_mount (mountinfo, cases[i].controller, mp, sizeof mp, root, sizeof root);

      if (cases[i].mount_point ? ret != 0 || strcmp (mp, cases[i].mount_point) != 0
                                     || strcmp (root, cases[i].root) != 0
                               : ret != -1)
        {
          printf ("# controller %s: ret %d, mount \"%s\" root \"%s\", expected %s %s\n",
                  cases[i].controller ? cases[i].controller : "(v2)", ret, mp, root,
                  cases[i].mount_point ? cases[i].mount_point : "not found",
                  cases[i].root ? cases[i].root : "");
          tap_current_failed = true;
        }
    }
}

/* /proc/PID/cgroup */

TEST (hybrid_host_proc_cgroup_gives_each_hierarchy)
{
  cleanup_free char *text = read_fixture ("proc-cgroup-hybrid.txt");
  static const path_case cases[] = {
    { "cpu", "/" },
    { "cpuacct", "/" },
    { "memory", "/process_api/cd85be404b4f4c502d571816ee7cb32b" },
    { "name=systemd", "/" },
    { NULL, "/" },
    { "hugetlb", NULL },
    { "cp", NULL },
    { "", NULL },
  };

  if (text)
    check_paths (text, cases, N_ELEMENTS (cases));
}

TEST (v1_host_with_combined_controllers_finds_each_of_them)
{
  static const path_case cases[] = {
    { "cpu", "/kubepods/besteffort/pod1/abc" },
    { "cpuacct", "/kubepods/besteffort/pod1/abc" },
    { "net_prio", "/kubepods/besteffort/pod1/abc" },
    { "cpuset", "/kubepods/besteffort/pod1/abc" },
    /* A combined list is not one controller name.  */
    { "cpu,cpuacct", NULL },
    { "acct", NULL },
    { "cpus", NULL },
    { NULL, NULL },
  };

  check_paths (proc_cgroup_v1, cases, N_ELEMENTS (cases));
}

TEST (pure_v2_host_has_only_the_unified_line)
{
  static const path_case cases[] = {
    { NULL, "/kubepods/pod1/abc" },
    { "cpu", NULL },
    { "memory", NULL },
  };

  check_paths (proc_cgroup_v2, cases, N_ELEMENTS (cases));
}

TEST (proc_cgroup_edge_cases)
{
  static const struct
  {
    const char *text;
    path_case c;
  } cases[] = {
    { "0::/no/newline", { NULL, "/no/newline" } },
    { "0::/a:b:c\n", { NULL, "/a:b:c" } },
    { "0::/\n", { NULL, "/" } },
    { "0::\n", { NULL, "" } },
    { "", { NULL, NULL } },
    { "\n\n", { NULL, NULL } },
    { "garbage\n0::/x\n", { NULL, "/x" } },
    { "10::/not-v2\n", { NULL, NULL } },
    { "0:cpu:/not-v2\n", { NULL, NULL } },
    { "00::/not-v2\n", { NULL, NULL } },
    { "3:cpu\n", { "cpu", NULL } },
    { "4:cpu:/first\n5:cpu:/second\n", { "cpu", "/first" } },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    check_paths (cases[i].text, &cases[i].c, 1);
}

TEST (path_too_long_for_the_buffer_is_not_found)
{
  char out[7];

  CHECK_INT (cgroup_path_for ("0::/abcde\n", NULL, out, sizeof out), 0);
  CHECK_STR (out, "/abcde");
  CHECK_INT (cgroup_path_for ("0::/abcdef\n", NULL, out, sizeof out), -1);
}

/* mountinfo */

TEST (hybrid_host_mountinfo_gives_each_mount)
{
  cleanup_free char *text = read_fixture ("mountinfo-hybrid.txt");
  static const mount_case cases[] = {
    { "cpu", "/sys/fs/cgroup/cpu", "/" },
    { "cpuacct", "/sys/fs/cgroup/cpuacct", "/" },
    { "memory", "/sys/fs/cgroup/memory", "/" },
    { "name=systemd", "/sys/fs/cgroup/systemd", "/" },
    { NULL, "/sys/fs/cgroup/unified", "/" },
    { "hugetlb", NULL, NULL },
    { "cpus", NULL, NULL },
  };

  if (text)
    check_mounts (text, cases, N_ELEMENTS (cases));
}

TEST (v1_mountinfo_with_combined_controllers_and_optional_fields)
{
  static const mount_case cases[] = {
    { "cpu", "/sys/fs/cgroup/cpu,cpuacct", "/" },
    { "cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "/" },
    { "cpuset", "/sys/fs/cgroup/cpuset", "/" },
    { "name=systemd", "/sys/fs/cgroup/systemd", "/" },
    { NULL, NULL, NULL },
    /* The tmpfs over /sys/fs/cgroup is not a cgroup mount.  */
    { "mode=755", NULL, NULL },
  };

  check_mounts (mountinfo_v1, cases, N_ELEMENTS (cases));
}

TEST (v2_mountinfo_gives_the_unified_mount)
{
  static const mount_case cases[] = {
    { NULL, "/sys/fs/cgroup", "/" },
    { "cpu", NULL, NULL },
  };

  check_mounts (mountinfo_v2, cases, N_ELEMENTS (cases));
}

TEST (octal_escaped_mount_point_and_root_are_decoded)
{
  static const char text[]
      = "35 25 0:30 /kube\\040pods /sys/fs/cgroup/my\\040cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "36 25 0:31 / /sys/fs/cgroup/tab\\011and\\012newline\\134 rw - cgroup2 cgroup2 rw\n";
  static const mount_case cases[] = {
    { "cpu", "/sys/fs/cgroup/my cpu", "/kube pods" },
    { NULL, "/sys/fs/cgroup/tab\tand\nnewline\\", "/" },
  };

  check_mounts (text, cases, N_ELEMENTS (cases));
}

TEST (mountinfo_edge_cases)
{
  static const struct
  {
    const char *text;
    mount_case c;
  } cases[] = {
    /* A container's view: the mount's root is the pod's cgroup.  */
    { "40 30 0:29 /kubepods/pod1 /sys/fs/cgroup/cpu ro - cgroup cgroup ro,cpu\n",
      { "cpu", "/sys/fs/cgroup/cpu", "/kubepods/pod1" } },
    /* No trailing newline.  */
    { "40 30 0:38 / /u rw - cgroup2 cgroup2 rw", { NULL, "/u", "/" } },
    /* Several optional fields.  */
    { "40 30 0:29 / /c rw shared:1 master:2 propagate_from:3 unbindable - cgroup cgroup rw,cpu\n",
      { "cpu", "/c", "/" } },
    /* Too few fields, no separator, nothing after the separator.  */
    { "40 30 0:29 / /c\n", { "cpu", NULL, NULL } },
    { "40 30 0:29 / /c rw cgroup cgroup rw,cpu\n", { "cpu", NULL, NULL } },
    { "40 30 0:29 / /c rw - cgroup\n", { "cpu", NULL, NULL } },
    { "", { NULL, NULL, NULL } },
    /* A look-alike file system type is not cgroupfs.  */
    { "40 30 0:50 / /fake rw - fuse.cgroup cgroup rw,cpu\n", { "cpu", NULL, NULL } },
    { "40 30 0:50 / /fake rw - cgroup2fs cgroup2 rw\n", { NULL, NULL, NULL } },
    /* The first match wins.  */
    { "1 0 0:1 / /first rw - cgroup cgroup rw,cpu\n2 0 0:1 / /second rw - cgroup cgroup rw,cpu\n",
      { "cpu", "/first", "/" } },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    check_mounts (cases[i].text, &cases[i].c, 1);
}

TEST (mount_point_too_long_for_the_buffer_is_not_found)
{
  char mp[8], root[8];

  CHECK_INT (first_mount ("1 0 0:1 / /abcdef rw - cgroup2 cgroup2 rw\n", NULL, mp, sizeof mp, root,
                          sizeof root),
             0);
  CHECK_STR (mp, "/abcdef");
  CHECK_INT (first_mount ("1 0 0:1 / /abcdefg rw - cgroup2 cgroup2 rw\n", NULL, mp, sizeof mp, root,
                          sizeof root),
             -1);
  CHECK_INT (first_mount ("1 0 0:1 /abcdefg /a rw - cgroup2 cgroup2 rw\n", NULL, mp, sizeof mp,
                          root, sizeof root),
             -1);
}

TEST (mount_next_gives_every_match_in_order_with_its_id)
{
  /* The first cpu mount is hidden under a tmpfs: the caller tries each.  */
  const char *mountinfo = "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                          "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
                          "90 31 0:50 / /sys/fs/cgroup rw - tmpfs osh-hide rw\n"
                          "x 31 0:29 / /bad-id rw - cgroup cgroup rw,cpu\n"
                          "91 23 0:29 /pod/sub /elsewhere\\040cpu rw - cgroup cgroup rw,cpu\n";
  const char *cursor = mountinfo;
  char mp[PATH_MAX], root[PATH_MAX];
  uint64_t id = 0;

  CHECK_INT (cgroup_mount_next (&cursor, "cpu", &id, mp, sizeof mp, root, sizeof root), 0);
  CHECK_INT ((int)id, 32);
  CHECK_STR (mp, "/sys/fs/cgroup/cpu");
  CHECK_STR (root, "/");
  CHECK_INT (cgroup_mount_next (&cursor, "cpu", &id, mp, sizeof mp, root, sizeof root), 0);
  CHECK_INT ((int)id, 91);
  CHECK_STR (mp, "/elsewhere cpu");
  CHECK_STR (root, "/pod/sub");
  CHECK_INT (cgroup_mount_next (&cursor, "cpu", &id, mp, sizeof mp, root, sizeof root), -1);
  CHECK_INT (cgroup_mount_next (&cursor, "cpu", &id, mp, sizeof mp, root, sizeof root), -1);
}

/* sysctl helpers */

TEST (sysctl_read_back_compares_vectors_and_ignores_the_newline)
{
  static const struct
  {
    const char *written, *read_back;
    int matches;
  } cases[] = {
    { "0 2147483647", "0\t2147483647\n", 1 },
    { "0 2147483647", "0 2147483647\n", 1 },
    { "0 2147483647", "0\t2147483647", 1 },
    { "1024", "1024\n", 1 },
    { "1024", "1024", 1 },
    { "0", "0\n", 1 },
    { "0", "0 1\n", 0 },
    { "80", "8\n", 0 },
    { "8", "80\n", 0 },
    { "1024", "1024\n\n", 0 },
    { "1024", "1024\nx", 0 },
    { "1024", "\n", 0 },
    { "1024", "", 0 },
    { "0 2147483647", "02147483647\n", 0 },
    { "0 2147483647", "0 2147483646\n", 0 },
    { "0 1", "0\t\t1\n", 1 },
    { "1024", " 1024\n", 0 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      int got = sysctl_value_matches (cases[i].written, cases[i].read_back);
      if (got != cases[i].matches)
        {
          cleanup_free char *w = quote_for_message (cases[i].written);
          cleanup_free char *r = quote_for_message (cases[i].read_back);
          printf ("# wrote %s, read %s: %d\n", w ? w : "?", r ? r : "?", got);
          tap_current_failed = true;
        }
    }
}

TEST (only_the_two_sandbox_sysctls_have_a_path)
{
  static const char *const unknown[] = {
    "kernel.core_pattern",
    "net.ipv4.ip_forward",
    "net/ipv4/ping_group_range",
    "net.ipv4.ping_group_range ",
    "net.ipv4.ping_group_range\n",
    "NET.IPV4.PING_GROUP_RANGE",
    "net.ipv4.ip_unprivileged_port_start=0",
    "net.ipv4.ip_unprivileged_port_start+kernel.core_pattern",
    "net.ipv4.ping_group_range/../../../kernel/core_pattern",
    "net.ipv4",
    "",
  };

  CHECK_STR (sysctl_known_path ("net.ipv4.ip_unprivileged_port_start"),
             "sys/net/ipv4/ip_unprivileged_port_start");
  CHECK_STR (sysctl_known_path ("net.ipv4.ping_group_range"), "sys/net/ipv4/ping_group_range");
  for (size_t i = 0; i < N_ELEMENTS (unknown); i++)
    if (sysctl_known_path (unknown[i]) != NULL)
      {
        cleanup_free char *q = quote_for_message (unknown[i]);
        printf ("# %s has a path\n", q ? q : "?");
        tap_current_failed = true;
      }
}

/* oom_score_adj content */

TEST (oom_score_file_content_is_parsed)
{
  static const struct
  {
    const char *text;
    int value;
  } cases[] = {
    { "-998\n", -998 }, { "0", 0 },           { "0\n", 0 },     { "1000", 1000 },
    { "1000\n", 1000 }, { "-1000\n", -1000 }, { "300\n", 300 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      int v = 12345;

      if (oom_score_parse (cases[i].text, &v, &err) != 0 || v != cases[i].value)
        {
          cleanup_free char *q = quote_for_message (cases[i].text);
          printf ("# %s: %d (%s)\n", q ? q : "?", v, err ? err->message : "no error");
          tap_current_failed = true;
        }
    }
}

TEST (oom_score_file_content_that_is_not_strict_decimal_is_refused)
{
  static const char *const texts[] = {
    "1001",
    "-1001",
    "0x10",
    " 5",
    "+5",
    "1e3",
    "",
    "5\n\n",
    "\n",
    "5 ",
    "5\t",
    "\t5",
    "\n5",
    "\v5",
    "-",
    "- 5",
    "--5",
    "abc",
    "5\n6\n",
    "5.0",
    "99999999999999999999",
    "-99999999999999999999",
    "2147483648",
    "4294967298",
  };

  for (size_t i = 0; i < N_ELEMENTS (texts); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      int v = 12345;

      if (oom_score_parse (texts[i], &v, &err) != -1 || v != 12345 || err == NULL
          || strstr (err->message, "oom_score_adj") == NULL
          || strstr (err->message, "not an integer in [-1000, 1000]") == NULL)
        {
          cleanup_free char *q = quote_for_message (texts[i]);
          printf ("# %s: value %d, error \"%s\"\n", q ? q : "?", v, err ? err->message : "(none)");
          tap_current_failed = true;
        }
    }
}

/* engine_shm: the mount a pod's tmpfs is, by id.  */
TEST (mountinfo_root_for_id_gives_the_root_and_type_of_that_mount)
{
  static const char mountinfo[]
      = "22 1 0:21 / /run rw,nosuid shared:5 - tmpfs tmpfs rw,size=1024k\n"
        "35 22 0:44 / /run/containerd/io.containerd.grpc.v1.cri/sandboxes/p1/shm rw,nosuid,nodev "
        "- tmpfs shm rw,size=65536k\n"
        "36 22 0:21 /evil\\040dir /run/x/sandboxes/p2/shm rw - tmpfs tmpfs rw\n"
        "37 22 8:1 /home/x /run/x/sandboxes/p3/shm rw shared:1 master:2 - ext4 /dev/sda1 rw\n"
        "garbage\n"
        "380 22 0:45 / /dev/shm rw - tmpfs\n";
  char root[64], type[16];

  CHECK_INT (mountinfo_root_for_id (mountinfo, 35, root, sizeof root, type, sizeof type), 0);
  CHECK_STR (root, "/");
  CHECK_STR (type, "tmpfs");
  CHECK_INT (mountinfo_root_for_id (mountinfo, 36, root, sizeof root, type, sizeof type), 0);
  CHECK_STR (root, "/evil dir");
  CHECK_INT (mountinfo_root_for_id (mountinfo, 37, root, sizeof root, type, sizeof type), 0);
  CHECK_STR (root, "/home/x");
  CHECK_STR (type, "ext4");
  CHECK_INT (mountinfo_root_for_id (mountinfo, 380, root, sizeof root, type, sizeof type), 0);
  /* Not there; "3" is no prefix of "35"; a field too long.  */
  CHECK_INT (mountinfo_root_for_id (mountinfo, 3, root, sizeof root, type, sizeof type), -1);
  CHECK_INT (mountinfo_root_for_id (mountinfo, 99, root, sizeof root, type, sizeof type), -1);
  CHECK_INT (mountinfo_root_for_id (mountinfo, 37, root, 4, type, sizeof type), -1);
  CHECK_INT (
      mountinfo_root_for_id ("35 22 0:44 / /x rw\n", 35, root, sizeof root, type, sizeof type), -1);
}

int
main (void)
{
  RUN (hybrid_host_proc_cgroup_gives_each_hierarchy);
  RUN (v1_host_with_combined_controllers_finds_each_of_them);
  RUN (pure_v2_host_has_only_the_unified_line);
  RUN (proc_cgroup_edge_cases);
  RUN (path_too_long_for_the_buffer_is_not_found);
  RUN (hybrid_host_mountinfo_gives_each_mount);
  RUN (v1_mountinfo_with_combined_controllers_and_optional_fields);
  RUN (v2_mountinfo_gives_the_unified_mount);
  RUN (octal_escaped_mount_point_and_root_are_decoded);
  RUN (mountinfo_edge_cases);
  RUN (mount_point_too_long_for_the_buffer_is_not_found);
  RUN (mount_next_gives_every_match_in_order_with_its_id);
  RUN (mountinfo_root_for_id_gives_the_root_and_type_of_that_mount);
  RUN (sysctl_read_back_compares_vectors_and_ignores_the_newline);
  RUN (only_the_two_sandbox_sysctls_have_a_path);
  RUN (oom_score_file_content_is_parsed);
  RUN (oom_score_file_content_that_is_not_strict_decimal_is_refused);
  return tap_done ();
}
