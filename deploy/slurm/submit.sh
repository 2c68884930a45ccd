#!/bin/bash
# Submits a whole newspipe run as Slurm jobs chained by dependencies:
#   plan → array: fetch, strip, dedup signatures (the last shard to finish clusters)
#        → array: entities → merge: report (and whatever a failed shard left)
#
#   NEWSPIPE_HOME=/shared/news NEWSPIPE_BIN=/shared/newspipe-0.1.0-linux-x86_64/bin/newspipe \
#     deploy/slurm/submit.sh [--wait] [sbatch options…]
#   NEWSPIPE_HOME=/shared/news NEWSPIPE_IMAGE=registry.example.com/newspipe:0.1.0 \
#     deploy/slurm/submit.sh --partition=batch --account=news
#
# NEWSPIPE_HOME is the folder holding pipeline.json. Every node must see it at the same path, on
# a file system with working POSIX (fcntl) locks across nodes: NFSv4, Lustre (mounted with
# -o flock), GPFS, BeeGFS, CephFS. NEWSPIPE_BIN / NEWSPIPE_IMAGE choose the newspipe the jobs run
# (see newspipe.sbatch). The array size is the manifest's "shards".
# sbatch options given here go to every job and override the #SBATCH lines of newspipe.sbatch
# (e.g. --cpus-per-task=2 --mem=2G --time=30:00). With --wait, submit.sh returns when the merge job
# has ended, with its exit status. Logs go to $NEWSPIPE_HOME/logs/.
# Prints one line per job, "<phase> <job id>": plan, shards, entities, merge.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "${NEWSPIPE_HOME:?set NEWSPIPE_HOME to the shared folder holding pipeline.json}" && pwd)
export NEWSPIPE_HOME=$home

wait=()
options=()
for argument in "$@"; do
  if [ "$argument" = --wait ]; then wait=(--wait); else options+=("$argument"); fi
done

cd "$home"
# Check here, before anything is queued: a bad manifest or a newspipe without its resources
# stops now (exit 2) instead of in the first job.
bash "$here/newspipe.sbatch" validate >&2
shards=$(bash "$here/newspipe.sbatch" config | grep -o '"shards" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
if [ -z "$shards" ] || [ "$shards" -lt 1 ]; then
  echo "submit.sh: could not read the shard count from newspipe config" >&2; exit 2
fi
last=$((shards - 1))
mkdir -p logs

# Every job: the same working folder; a job whose dependency can never be met is cancelled
# instead of pending forever.
submit() {
  sbatch --parsable --chdir="$home" --kill-on-invalid-dep=yes ${options[@]+"${options[@]}"} "$@"
}

plan=$(submit --job-name=newspipe-plan --output=logs/%x-%j.log "$here/newspipe.sbatch" plan)
echo "plan $plan"
# Phase 1: fetch, strip and dedup signatures per shard; the last shard to finish clusters.
sign=$(submit --job-name=newspipe-shards --dependency="afterok:$plan" --array="0-$last" --output=logs/%x-%A_%a.log \
  "$here/newspipe.sbatch" run --shard-from-env --to dedup --log-format json)
echo "shards $sign"
# Phase 2: entities per shard, once every shard of phase 1 succeeded.
entities=$(submit --job-name=newspipe-entities --dependency="afterok:$sign" --array="0-$last" --output=logs/%x-%A_%a.log \
  "$here/newspipe.sbatch" run --shard-from-env --stage entities --log-format json)
echo "entities $entities"
# Phase 3: the merge, whatever the shards did: it runs what a failed shard left, then the report.
set +e
merge=$(submit --job-name=newspipe-merge --dependency="afterany:$entities" --output=logs/%x-%j.log ${wait[@]+"${wait[@]}"} \
  "$here/newspipe.sbatch" run --log-format json)
status=$?
set -e
echo "merge ${merge%%;*}"
exit "$status"
