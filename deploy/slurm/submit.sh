#!/bin/bash
# Submits a whole newspipe run as Slurm jobs with dependencies. The shard count comes from
# pipeline.json ("shards"); the array size must match it.
#   NEWSPIPE_HOME=/shared/newspipe deploy/slurm/submit.sh
set -euo pipefail
cd "${NEWSPIPE_HOME:?set NEWSPIPE_HOME}"
shards=$(./.build/release/newspipe config | sed -n 's/^  "shards" : \([0-9]*\),*$/\1/p')
last=$((shards - 1))
here=$(dirname "$0")
plan=$(sbatch --parsable --job-name=newspipe-plan --wrap "./.build/release/newspipe plan")
# Phase 1: fetch, strip and dedup signatures per shard; the last shard to finish clusters.
sign=$(sbatch --parsable --dependency=afterok:$plan --array=0-$last "$here/newspipe-shard.sbatch" --to dedup)
# Phase 2: entities per shard.
ents=$(sbatch --parsable --dependency=afterok:$sign --array=0-$last "$here/newspipe-shard.sbatch" --stage entities)
# Phase 3: the merge: report (and anything a failed shard left, which it finishes itself).
sbatch --dependency=afterany:$ents --job-name=newspipe-merge --wrap "./.build/release/newspipe run --log-format json"
