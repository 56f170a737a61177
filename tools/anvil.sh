#!/bin/sh
# `anvil` as Ape's foundry provider starts it, plus --prune-history: Anvil otherwise slows sharply as
# the chain grows. ANVIL_PRUNE_HISTORY=0 keeps the history (transaction traces, which `ape test --gas`
# needs). The real binary ships in the npm package @foundry-rs/anvil-<platform>.
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
bin=$(ls "$here"/node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -n 1)
[ -x "$bin" ] || { echo "anvil: run 'make install' first (npm package @foundry-rs/anvil missing)" >&2; exit 127; }
case " $* " in
  *" --version "*|*" -V "*) exec "$bin" "$@" ;;
esac
if [ "${ANVIL_PRUNE_HISTORY:-1}" = "0" ]; then
  exec "$bin" "$@"
fi
exec "$bin" "$@" --prune-history
