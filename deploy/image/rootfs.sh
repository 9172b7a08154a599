#!/usr/bin/env bash
# Builds the files the Ferry image adds on top of `scratch` (Jib packs them as one layer, see
# deploy/pom.xml): a Java runtime jlinked from the build's JDK, the C libraries that runtime links
# against (copied from the build host, at the paths its loader looks for them), the non-root user
# ferry (uid/gid 10001), /tmp and the state directory /var/lib/ferry.
# No base image is pulled, so the image builds where no container registry can be reached.
#
#   deploy/image/rootfs.sh JDK_HOME OUT_DIR
#
# OUT_DIR is kept when it was built from the same JDK by the same script (a second package is quick).
set -euo pipefail

jdk="${1:?usage: rootfs.sh JDK_HOME OUT_DIR}"
root="$(realpath -m "${2:?usage: rootfs.sh JDK_HOME OUT_DIR}")"
stamp="$root.stamp"
source_id="$(cat "$jdk/release" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$source_id" ] && [ -x "$root/opt/java/bin/java" ]; then
  echo "image root filesystem up to date: $root"
  exit 0
fi
rm -rf "$root" "$stamp"
mkdir -p "$root"

# What Ferry and its libraries use (java.se for the platform, jdk.* for Hazelcast's and the drivers'
# extras). A module the JDK lacks is skipped: jdk.crypto.ec exists up to JDK 21 and is in java.base later.
wanted=(java.se jdk.charsets jdk.crypto.ec jdk.management jdk.naming.dns jdk.net jdk.security.auth
  jdk.security.jgss jdk.unsupported jdk.zipfs)
available="$("$jdk/bin/java" --list-modules | sed 's/@.*//')"
modules=()
for module in "${wanted[@]}"; do
  grep -qx "$module" <<<"$available" && modules+=("$module")
done
"$jdk/bin/jlink" --add-modules "$(IFS=,; echo "${modules[*]}")" --output "$root/opt/java" \
  --strip-debug --no-header-files --no-man-pages

# The shared libraries of every ELF file of the runtime, except the GUI and sound ones that a headless
# server never loads (they want X11 and ALSA). libjvm.so is found beside them at run time.
gui='/(libawt_xawt|libjawt|libsplashscreen|libjsound)\.so$'
libs="$(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
  | grep -Ev "$gui" | xargs ldd 2>/dev/null \
  | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 } /not found/ && $1 != "libjvm.so" { print "MISSING " $1 }' | sort -u)"
if grep -q '^MISSING' <<<"$libs"; then
  echo "rootfs.sh: the runtime needs libraries this host lacks: $(grep '^MISSING' <<<"$libs" | tr '\n' ' ')" >&2
  exit 1
fi
for lib in $libs; do
  case "$lib" in "$root"/*) continue ;; esac  # the runtime's own, found through its RUNPATH
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

# The user the image runs as, numeric in the image config so that Kubernetes' runAsNonRoot can check it.
mkdir -p "$root/etc" "$root/tmp" "$root/var/lib/ferry" "$root/opt/ferry"
printf 'root:x:0:0:root:/root:/sbin/nologin\nferry:x:10001:10001:Ferry:/var/lib/ferry:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nferry:x:10001:\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"

# The JVM flags, in an argument file the entrypoint names: the ones Hazelcast needs (STACK.md), and
# the Unsafe flag only for a JDK that knows it (24 and later; an older one refuses to start with it).
major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release")"
{
  echo "-XX:MaxRAMPercentage=75"
  echo "--add-exports java.base/jdk.internal.ref=ALL-UNNAMED"
  echo "--add-opens java.base/java.lang=ALL-UNNAMED"
  echo "--add-opens java.base/sun.nio.ch=ALL-UNNAMED"
  echo "--add-opens java.management/sun.management=ALL-UNNAMED"
  echo "--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
  echo "--enable-native-access=ALL-UNNAMED"
  if [ "$major" -ge 24 ]; then echo "--sun-misc-unsafe-memory-access=allow"; fi
} >"$root/opt/ferry/jvm.args"
echo "$source_id" >"$stamp"
echo "image root filesystem built from $jdk (Java $major): $(du -sh "$root" | cut -f1) in $root"
