#!/usr/bin/env bash
# Installs the tricycle's edge service on a Raspberry Pi (Raspberry Pi OS / Debian 12): Debian packages,
# the edge under /opt/triporteur, user triporteur, /etc/triporteur/config.json, systemd units, udev rules,
# journald settings and the hotspot's hostapd/dnsmasq files rendered from the config. docs/install-pi.md.
#
#   sudo scripts/install-pi.sh --config unit.json [--with-gpsd] [--prebuilt DIR] [--dry-run]
#   scripts/install-pi.sh --root /tmp/stage --config unit.json        # staging root (tests)
#
# Idempotent: a file is written only when its content or mode differs, a package installed only when
# missing, a unit enabled only when it is not; a second run reports "0 change(s)".
# Every action prints one line: "[run] <command>" when done, "[dry-run] <command>" under --dry-run, and
# "[skipped: --root] <command>" for what only a live system can do (packages, users, owners, services,
# udev, sysctl) when --root is not /.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: install-pi.sh [options]
  --config FILE    the unit's edge config, installed as /etc/triporteur/config.json (0600); default: keep
                   the one installed
  --prebuilt DIR   install this ready tree (edge/dist, firmware-bridge/dist, node_modules for this Pi) as
                   is; default: this checkout's built dist/ (npm run build), then npm ci --omit=dev
  --with-gpsd      install gpsd on /dev/triporteur-gps (set the config's gps to {"type": "gpsd"})
  --root DIR       install into DIR instead of / : files only, no packages, users or services
  --dry-run        print each action, change nothing
  -h, --help       this text
EOF
}

die() {
  printf 'install-pi: %s\n' "$1" >&2
  exit "${2:-1}"
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)

root=/
config=""
prebuilt=""
with_gpsd=no
dry_run=no
while (($# > 0)); do
  case $1 in
    --config) config=${2:?--config needs a file}; shift 2 ;;
    --prebuilt) prebuilt=${2:?--prebuilt needs a directory}; shift 2 ;;
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --with-gpsd) with_gpsd=yes; shift ;;
    --dry-run) dry_run=yes; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" 2 ;;
  esac
done

root=${root%/}
live=yes
if [[ -n $root ]]; then
  [[ -d $root ]] || die "--root $root is not a directory" 2
  root=$(cd "$root" && pwd)
  if [[ $root == / ]]; then root=""; else live=no; fi
fi
[[ -z $config || -r $config ]] || die "cannot read --config $config" 2
if [[ -n $prebuilt ]]; then
  [[ -f $prebuilt/edge/dist/src/main.js && -d $prebuilt/node_modules ]] ||
    die "--prebuilt $prebuilt has no edge/dist/src/main.js and node_modules" 2
  source_tree=$(cd "$prebuilt" && pwd)
else
  [[ -f $repo/edge/dist/src/main.js ]] || die "no edge/dist in $repo: run npm ci && npm run build first" 2
  source_tree=$repo
fi
if [[ $live == yes && $dry_run == no ]]; then
  [[ $(id -u) -eq 0 ]] || die "run as root (sudo), or with --dry-run or --root" 1
  # The unit runs /usr/bin/node; Debian 12's own nodejs is 18, too old (docs/install-pi.md).
  node_major=$(/usr/bin/node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  ((node_major >= 20)) || die "/usr/bin/node must be Node.js 20 or later (docs/install-pi.md)" 1
fi

# A config the edge refuses stops the install before any action, with the edge's own message.
edge_cli=(node "$source_tree/edge/dist/src/main.js")
if [[ -n $config ]]; then
  "${edge_cli[@]}" check-config -c "$config" >/dev/null || die "the edge refuses $config (see above)" 2
fi

app_dir=/opt/triporteur
etc_dir=/etc/triporteur
hotspot_dir=$etc_dir/hotspot
lib_dir=/usr/local/lib/triporteur
unit_dir=/etc/systemd/system
changes=0

# ---- actions -----------------------------------------------------------------------------------------

# A change to the files under $root: done, or printed under --dry-run.
act() {
  changes=$((changes + 1))
  if [[ $dry_run == yes ]]; then
    printf '[dry-run] %s\n' "$*"
  else
    printf '[run] %s\n' "$*"
    "$@"
  fi
}

# A change only a live system can make (packages, users, owners, services): skipped under --root.
act_live() {
  if [[ $live == no ]]; then
    printf '[skipped: --root] %s\n' "$*"
  else
    act "$@"
  fi
}

# put_file SRC DEST MODE [OWNER:GROUP]: DEST (under $root) gets SRC's content and MODE when either differs.
put_file() {
  local src=$1 dest=$root$2 mode=$3 owner=${4:-}
  local want_owner=() current_mode=""
  if [[ -n $owner && $live == yes ]]; then want_owner=(-o "${owner%%:*}" -g "${owner##*:}"); fi
  if [[ -f $dest ]] && cmp -s "$src" "$dest"; then
    current_mode=$(stat -c '%a' "$dest")
    if [[ $((8#$current_mode)) -eq $((8#$mode)) ]] && owner_matches "$dest" "$owner"; then return 0; fi
  fi
  act install -D -m "$mode" "${want_owner[@]}" "$src" "$dest"
}

owner_matches() {
  [[ -z $2 || $live == no ]] && return 0
  [[ $(stat -c '%U:%G' "$1") == "$2" ]]
}

# put_dir DEST MODE [OWNER:GROUP]
put_dir() {
  local dest=$root$1 mode=$2 owner=${3:-}
  local want_owner=()
  if [[ -n $owner && $live == yes ]]; then want_owner=(-o "${owner%%:*}" -g "${owner##*:}"); fi
  if [[ -d $dest && $((8#$(stat -c '%a' "$dest"))) -eq $((8#$mode)) ]] && owner_matches "$dest" "$owner"; then
    return 0
  fi
  act install -d -m "$mode" "${want_owner[@]}" "$dest"
}

# sync_tree SRC DEST: DEST (under $root) becomes a copy of the directory SRC; one action when they differ.
sync_tree() {
  local src=$1 dest=$root$2
  if [[ -d $dest ]] && diff -r -q "$src" "$dest" >/dev/null 2>&1; then return 0; fi
  act replace_tree "$src" "$dest"
}

# Replaces DEST by a copy of SRC; the copy is made beside it first, so a cut leaves the old tree whole.
replace_tree() {
  local src=$1 dest=$2
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.new"
  cp -R "$src" "$dest.new"
  chmod -R u=rwX,go=rX "$dest.new"
  # The CLI's entry point, which technicians run by its path (doctor, monitor): tsc writes it 0644.
  if [[ -f $dest.new/main.js ]]; then chmod 0755 "$dest.new/main.js"; fi
  rm -rf "$dest.old"
  if [[ -e $dest ]]; then mv "$dest" "$dest.old"; fi
  mv "$dest.new" "$dest"
  rm -rf "$dest.old"
}

enabled() {
  [[ $(systemctl is-enabled "$1" 2>/dev/null || true) == enabled ]]
}

# ---- 1. Debian packages ------------------------------------------------------------------------------

# hostapd: the radio. dnsmasq-base: the dnsmasq binary without Debian's dnsmasq.service, which would
# answer DNS on every interface; triporteur-dnsmasq.service runs it on the hotspot's config only.
# nftables, conntrack, iproute2 (tc): the firewall, the legal log's NAT events, the per-client ceilings.
# iw: the radio's interface combinations and client ceiling (doctor). polkitd: the edge, not root, restarts
# hostapd and drives NetworkManager (hardware/polkit/50-triporteur.rules).
packages=(hostapd dnsmasq-base nftables conntrack iproute2 iw polkitd)
if [[ $with_gpsd == yes ]]; then packages+=(gpsd); fi
missing=()
if [[ $live == yes ]]; then
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
else
  missing=("${packages[@]}")
fi
if ((${#missing[@]} > 0)); then
  export DEBIAN_FRONTEND=noninteractive
  act_live apt-get update -qq
  act_live apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---- 2. the service user -----------------------------------------------------------------------------

if [[ $live == no ]] || ! id triporteur >/dev/null 2>&1; then
  act_live useradd --system --user-group --home-dir /var/lib/triporteur --no-create-home \
    --shell /usr/sbin/nologin triporteur
fi
# dialout: the USB-serial adapters (hardware/udev/99-triporteur.rules).
if [[ $live == no ]] || ! id -nG triporteur 2>/dev/null | tr ' ' '\n' | grep -qx dialout; then
  act_live usermod -a -G dialout triporteur
fi

# ---- 3. the edge itself ------------------------------------------------------------------------------

put_dir "$app_dir" 0755
for file in package.json package-lock.json firmware-bridge/package.json edge/package.json dashboard/package.json; do
  if [[ -f $source_tree/$file ]]; then put_file "$source_tree/$file" "$app_dir/$file" 0644; fi
done
sync_tree "$source_tree/firmware-bridge/dist/src" "$app_dir/firmware-bridge/dist/src"
sync_tree "$source_tree/edge/dist/src" "$app_dir/edge/dist/src"
if [[ -n $prebuilt ]]; then
  sync_tree "$source_tree/node_modules" "$app_dir/node_modules"
elif [[ ! -d $root$app_dir/node_modules ]] || ! cmp -s "$source_tree/package-lock.json" "$root$app_dir/node_modules/.package-lock.json.installed"; then
  # Native addons (serialport, better-sqlite3) must be built or fetched for this Pi, so npm runs here.
  act_live npm ci --prefix "$app_dir" --omit=dev --workspace=@triporteur/edge --no-audit --no-fund
  act_live install -m 0644 "$source_tree/package-lock.json" "$app_dir/node_modules/.package-lock.json.installed"
fi

# ---- 4. config and the hotspot's system files --------------------------------------------------------

put_dir "$etc_dir" 0700 triporteur:triporteur
installed_config=$root$etc_dir/config.json
if [[ -n $config ]]; then
  put_file "$config" "$etc_dir/config.json" 0600 triporteur:triporteur
  render_from=$config
elif [[ -f $installed_config ]]; then
  render_from=$installed_config
else
  die "no --config given and no $etc_dir/config.json installed" 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Rendered into a scratch directory first, so only the files that differ are installed (and listed).
"${edge_cli[@]}" render-system-files -c "$render_from" --out "$work/hotspot" >/dev/null
hotspot=no
if [[ -f $work/hotspot/hotspot.env ]]; then
  hotspot=yes
  env_value() { sed -n "s/^$1=//p" "$work/hotspot/hotspot.env"; }
  lease_hook=$(env_value TRIPORTEUR_LEASE_HOOK)
  survey=$(env_value TRIPORTEUR_WIFI_SURVEY)
  put_dir "$hotspot_dir" 0755
  put_file "$work/hotspot/hostapd.conf" "$hotspot_dir/hostapd.conf" 0600
  put_file "$work/hotspot/dnsmasq.conf" "$hotspot_dir/dnsmasq.conf" 0644
  put_file "$work/hotspot/triporteur.nft" "$hotspot_dir/triporteur.nft" 0644
  put_file "$work/hotspot/hotspot.env" "$hotspot_dir/hotspot.env" 0644
  put_file "$repo/hardware/hotspot/lease-hook.sh" "$lease_hook" 0755
  put_file "$repo/hardware/systemd/hostapd-runtime-conf.sh" "$lib_dir/hostapd-runtime-conf" 0755
fi

# ---- 5. system settings ------------------------------------------------------------------------------

hw=$repo/hardware
count_before=$changes
put_file "$hw/systemd/triporteur-edge.service" "$unit_dir/triporteur-edge.service" 0644
if [[ $hotspot == yes ]]; then
  put_file "$hw/systemd/triporteur-dnsmasq.service" "$unit_dir/triporteur-dnsmasq.service" 0644
  put_file "$hw/systemd/hostapd.service.d/triporteur.conf" "$unit_dir/hostapd.service.d/triporteur.conf" 0644
fi
units_changed=$((changes - count_before))

count_before=$changes
put_file "$hw/systemd/triporteur.tmpfiles.conf" /etc/tmpfiles.d/triporteur.conf 0644
if ((changes > count_before)) || [[ $live == yes && ! -d /run/triporteur ]]; then
  act_live systemd-tmpfiles --create /etc/tmpfiles.d/triporteur.conf
fi

count_before=$changes
put_file "$hw/udev/99-triporteur.rules" /etc/udev/rules.d/99-triporteur.rules 0644
if ((changes > count_before)); then
  act_live udevadm control --reload-rules
  act_live udevadm trigger --subsystem-match=tty --action=add
fi

count_before=$changes
put_file "$hw/journald/triporteur.conf" /etc/systemd/journald.conf.d/triporteur.conf 0644
if ((changes > count_before)); then
  # Persistent storage needs the directory; journald moves the runtime journal there on restart.
  put_dir /var/log/journal 2755 root:systemd-journal
  act_live systemctl restart systemd-journald.service
fi

count_before=$changes
put_file "$hw/sysctl/99-triporteur.conf" /etc/sysctl.d/99-triporteur.conf 0644
if ((changes > count_before)); then act_live sysctl -q -p /etc/sysctl.d/99-triporteur.conf; fi

put_file "$hw/polkit/50-triporteur.rules" /etc/polkit-1/rules.d/50-triporteur.rules 0644

if [[ $with_gpsd == yes ]]; then
  count_before=$changes
  put_file "$hw/gpsd/gpsd.default" /etc/default/gpsd 0644
  if ((changes > count_before)); then act_live systemctl restart gpsd.service; fi
fi

# ---- 6. services -------------------------------------------------------------------------------------

if ((units_changed > 0)); then act_live systemctl daemon-reload; fi

# Enabling is a file operation (symlinks), which systemctl also does offline: under --root too.
systemctl_enable() {
  if [[ $live == yes ]]; then
    enabled "$1" || act systemctl enable "$1"
  elif [[ ! -L $root$unit_dir/multi-user.target.wants/$1 ]]; then
    act systemctl --quiet --root="$root" enable "$1"
  fi
}

systemctl_enable triporteur-edge.service
if [[ $hotspot == yes ]]; then
  systemctl_enable triporteur-dnsmasq.service
  # Debian's dnsmasq.service (package dnsmasq, when present) would take port 53 on every interface.
  if [[ $live == yes ]] && enabled dnsmasq.service; then act systemctl disable --now dnsmasq.service; fi
  if [[ $live == yes && $(systemctl is-enabled hostapd.service 2>/dev/null || true) == masked ]]; then
    act systemctl unmask hostapd.service
  fi
  # Survey on: the edge scans first, then starts hostapd itself; at boot hostapd must not be serving
  # already. Survey off: hostapd starts at boot on the installed render.
  if [[ $survey == no ]]; then
    if [[ $live == no ]] || ! enabled hostapd.service; then act_live systemctl enable hostapd.service; fi
  elif [[ $live == no ]] || enabled hostapd.service; then
    act_live systemctl disable hostapd.service
  fi
fi
if [[ $with_gpsd == yes ]]; then
  if [[ $live == no ]] || ! enabled gpsd.service; then act_live systemctl enable gpsd.service; fi
fi

# Started (or restarted) when something they run on changed; a run that changed nothing restarts nothing.
if ((changes > 0)); then
  if [[ $hotspot == yes ]]; then act_live systemctl restart triporteur-dnsmasq.service; fi
  act_live systemctl restart triporteur-edge.service
fi

if [[ $dry_run == yes ]]; then
  printf 'install-pi: %d change(s) to make; nothing was changed (--dry-run)\n' "$changes"
else
  printf 'install-pi: %d change(s) made\n' "$changes"
fi
