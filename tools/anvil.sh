#!/bin/sh
# `anvil` as Ape's foundry provider starts it, plus --prune-history: Anvil otherwise slows sharply as
# the chain grows. ANVIL_PRUNE_HISTORY=0 keeps the history (transaction traces, which `ape test --gas`
# needs). The genesis block is dated ANVIL_GENESIS_TIMESTAMP (default 1767225600, 2026-01-01 00:00 UTC;
# `now` keeps Anvil's wall clock) so a local chain whose blocks are all dated by the caller is the same
# chain on every run: a seeded simulation's history otherwise varies with the wall clock (absolute
# deadlines in calldata, 4 gas per zero byte against 16). The real binary ships in the npm package
# @foundry-rs/anvil-<platform>.
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
bin=$(ls "$here"/node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -n 1)
[ -x "$bin" ] || { echo "anvil: run 'make install' first (npm package @foundry-rs/anvil missing)" >&2; exit 127; }
case " $* " in
  *" --version "*|*" -V "*) exec "$bin" "$@" ;;
esac
genesis=${ANVIL_GENESIS_TIMESTAMP:-1767225600}
case " $* " in
  *" --timestamp "*|*" --fork-url "*|*" -f "*|*" --load-state "*|*" --state "*) genesis=now ;;
esac
[ "$genesis" = "now" ] || set -- "$@" --timestamp "$genesis"
if [ "${ANVIL_PRUNE_HISTORY:-1}" = "0" ]; then
  exec "$bin" "$@"
fi
exec "$bin" "$@" --prune-history
