#!/bin/bash
# The rule src/'s folders show, checked: a layer includes only its own
# headers and those of the layers before it.
#
#   common/  the error convention, resource owners, writing to an fd
#   decide/  parsing, policy, plan, render, explain: pure decisions, no
#            system calls but writing to an fd they are handed
#   linux/   one Linux mechanism each
#   stages/  the entry points
#
# decide/ must also not include the system headers of the mechanisms
# (mounts, namespaces, syscalls, pidfds, openat2, SELinux, capabilities).
# Prints one line per violation; exits 1 when there is any.
set -uo pipefail
cd "$(dirname "$0")/../src" || exit 2

declare -A layer_of rank=([common]=0 [decide]=1 [linux]=2 [stages]=3)
for dir in common decide linux stages; do
  for h in "$dir"/*.h; do
    [ -e "$h" ] || continue
    name=${h##*/}
    if [ -n "${layer_of[$name]:-}" ]; then
      echo "check-layers: $name exists in ${layer_of[$name]}/ and $dir/"
      exit 1
    fi
    layer_of[$name]=$dir
  done
done

violations=0
for dir in common decide linux stages; do
  for f in "$dir"/*.c "$dir"/*.h; do
    [ -e "$f" ] || continue
    while IFS= read -r inc; do
      owner=${layer_of[$inc]:-}
      if [ -z "$owner" ]; then
        echo "$f: includes \"$inc\", which is no header of src/"
        violations=$((violations + 1))
      elif [ "${rank[$owner]}" -gt "${rank[$dir]}" ]; then
        echo "$f: $dir/ includes \"$inc\" of $owner/ (a later layer)"
        violations=$((violations + 1))
      fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
  done
done

for f in decide/*.c decide/*.h; do
  while IFS= read -r inc; do
    echo "$f: decide/ includes <$inc>, a mechanism's system header"
    violations=$((violations + 1))
  done < <(sed -n 's/^#include <\(sys\/mount\.h\|sys\/stat\.h\|unistd\.h\|sched\.h\|sys\/syscall\.h\|linux\/openat2\.h\|sys\/pidfd\.h\|selinux\/[^>]*\|cap-ng\.h\|sys\/prctl\.h\|sys\/socket\.h\|fcntl\.h\)>.*/\1/p' "$f")
done

if [ "$violations" -gt 0 ]; then
  echo "check-layers: $violations violation(s)"
  exit 1
fi
echo "check-layers: every include goes to the same or an earlier layer"
