#!/usr/bin/env bash
# Runs Uncloak's whole test suite: unit tests and the integration tests against the real kernel.
# As root it first installs what the integration tests need (nftables, iproute2, Chromium, dbus-daemon, python3-dbus, aiosmtpd,
# a C linker) with apt.
# Ends with one plain line: "N passed, N failed[, N skipped]". Exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")"
# The dashboard's browser tests drive Debian's chromium through Playwright; Playwright must never fetch browsers of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ "$(id -u)" = 0 ]; then
  need=()
  command -v nft >/dev/null 2>&1 || need+=(nftables)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  command -v sysctl >/dev/null 2>&1 || need+=(procps)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v ethtool >/dev/null 2>&1 || need+=(ethtool)
  command -v ipset >/dev/null 2>&1 || need+=(ipset)
  # The wire: tcpdump records the lab's attacks (samples/wire/record-lab.sh), tshark checks the flow tracker's flags.
  command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
  command -v tshark >/dev/null 2>&1 || need+=(tshark)
  command -v iptables >/dev/null 2>&1 || need+=(iptables)
  # A private D-Bus bus with a systemd stand-in (unit-restart remedy) and an SMTP server (e-mail alerts).
  command -v dbus-daemon >/dev/null 2>&1 || need+=(dbus-daemon)
  /usr/bin/python3 -c 'import dbus, gi' >/dev/null 2>&1 || need+=(python3-dbus python3-gi)
  /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
  # Native AOT links the shipped binary with clang or gcc (packaging/publish.sh).
  command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(gcc)
  # The Debian package (packaging/build-deb.sh): the man page from markdown, Depends from the binary, lintian's verdict;
  # the install test runs man -w.
  command -v pandoc >/dev/null 2>&1 || need+=(pandoc)
  command -v dpkg-shlibdeps >/dev/null 2>&1 || need+=(dpkg-dev)
  command -v lintian >/dev/null 2>&1 || need+=(lintian)
  command -v man >/dev/null 2>&1 || need+=(man-db)
  # Fleet: the integration tests start a real 3-node JetStream cluster (Debian's nats-server 2.9).
  command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
  [ -e /usr/lib/x86_64-linux-gnu/libnftables.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libnftables.so.1 ] || need+=(libnftables1)
  if [ ${#need[@]} -gt 0 ]; then
    echo "test.sh: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || echo "test.sh: WARNING: apt-get install ${need[*]} failed; tests that need them will fail" >&2
  fi
else
  echo "test.sh: NOTE: not root — integration tests (namespaces, nftables, raw sockets) will be SKIPPED. CI runs them as root." >&2
fi

results=.test-results
rm -rf "$results"
mkdir -p "$results"

if ! dotnet build Uncloak.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

# The shipped binary is Native AOT: publish it once (packaging/publish.sh, warnings as errors) for the integration tests
# that run it side by side with the JIT build (tests/Uncloak.Integration.Tests/Cli/Aot). A failed publish fails the suite.
aot_failed=0
export UNCLOAK_AOT_DIR="$PWD/$results/aot"
if ! packaging/publish.sh "$UNCLOAK_AOT_DIR" >/dev/null; then
  echo "test.sh: packaging/publish.sh failed: the Native AOT build does not compile" >&2
  aot_failed=1
fi

dotnet test Uncloak.slnx -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
rc=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
failed=$((failed + aot_failed))
if [ "$aot_failed" -ne 0 ] && [ "$rc" -eq 0 ]; then rc=1; fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
