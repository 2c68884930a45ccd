#!/bin/bash
# Runs newspipe on Kubernetes: the plan Job, then the Indexed Job of shards, then the merge Job,
# each applied once the previous one has ended. As with Slurm's afterany, the merge runs even when
# some shard pods failed for good: it runs what they left, in one pod. The Jobs of an earlier run
# (label app=newspipe) are deleted first, with their pods and logs.
#   NEWSPIPE_IMAGE=registry.example.com/newspipe:0.1.0 deploy/kubernetes/run.sh [kubectl options…]
# kubectl options (--namespace news, --context prod) go to every kubectl call. Time limits in
# seconds: NEWSPIPE_PLAN_TIMEOUT (600), NEWSPIPE_SHARDS_TIMEOUT and NEWSPIPE_MERGE_TIMEOUT (14400).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${NEWSPIPE_IMAGE:?set NEWSPIPE_IMAGE to the image built from the Dockerfile (registry/newspipe:tag)}
jobs=$(sed "s|\${NEWSPIPE_IMAGE}|$image|g" "$here/newspipe-indexed-job.yaml")

# Waits until job/$1 is Complete (0) or Failed (1), at most $2 seconds (1).
wait_job() {
  local job=$1 seconds=$2 waited=0 state
  while [ "$waited" -lt "$seconds" ]; do
    state=$(kubectl ${options[@]+"${options[@]}"} get "job/$job" -o 'jsonpath={.status.conditions[?(@.status=="True")].type}')
    case " $state " in
      *" Complete "*) return 0 ;;
      *" Failed "*) echo "run.sh: job/$job failed" >&2; kubectl ${options[@]+"${options[@]}"} get pods -l "job-name=$job" >&2 || true; return 1 ;;
    esac
    sleep 10; waited=$((waited + 10))
  done
  echo "run.sh: job/$job did not end within ${seconds}s" >&2
  return 1
}

options=("$@")
kubectl ${options[@]+"${options[@]}"} delete job -l app=newspipe --ignore-not-found --wait=true
echo "$jobs" | kubectl ${options[@]+"${options[@]}"} apply -f - -l phase=plan
wait_job newspipe-plan "${NEWSPIPE_PLAN_TIMEOUT:-600}"
echo "$jobs" | kubectl ${options[@]+"${options[@]}"} apply -f - -l phase=shards
wait_job newspipe-shards "${NEWSPIPE_SHARDS_TIMEOUT:-14400}" || echo "run.sh: the merge runs what the failed shards left" >&2
echo "$jobs" | kubectl ${options[@]+"${options[@]}"} apply -f - -l phase=merge
wait_job newspipe-merge "${NEWSPIPE_MERGE_TIMEOUT:-14400}"
echo "run.sh: done; the reports are in the volume's output/reports/latest/" >&2
