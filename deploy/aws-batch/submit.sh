#!/bin/bash
# Registers job-definition.json and submits a whole newspipe run to AWS Batch, chained by
# dependencies: plan → array: fetch, strip, dedup signatures → array: entities → merge: report.
#
#   export NEWSPIPE_IMAGE=123456789012.dkr.ecr.eu-west-1.amazonaws.com/newspipe:0.1.0
#   export EFS_FILE_SYSTEM_ID=fs-0123456789abcdef0 EFS_ACCESS_POINT_ID=fsap-0123456789abcdef0
#   export NEWSPIPE_JOB_QUEUE=newspipe NEWSPIPE_SHARDS=4
#   deploy/aws-batch/submit.sh [aws options…]          (e.g. --region eu-west-1 --profile news)
#
# Shared storage: one EFS file system, mounted at /data in every job through the access point,
# which must map to uid/gid 10001 (the image's user) and a root folder holding pipeline.json and
# the corpus. EFS (NFSv4.1) keeps newspipe's flock(2) locks across instances. NEWSPIPE_SHARDS must
# equal "shards" in that pipeline.json (a shard job refuses to start otherwise, exit 2); AWS Batch
# arrays have 2 to 10,000 children, so with one shard the run is a single job.
# The image: the Dockerfile's `batch` target (docker build --target batch …), pushed to ECR. AWS
# Batch counts only exit 0 as success and cannot replace an image's entrypoint, so that target's
# entrypoint is newspipe-task, which counts exit 1 ("finished; some documents were rejected") as
# done and passes SIGTERM on. The job definition retries exit 130 (stopped by SIGTERM, e.g. a Spot
# reclaim; the retry resumes) and lost instances, nothing else (Batch never retries a timeout).
# If a shard failed for good, the chain stops before the merge; after fixing the cause, submit the
# merge alone and it runs what is left:
#   aws batch submit-job --job-name newspipe-merge --job-queue "$NEWSPIPE_JOB_QUEUE" \
#     --job-definition newspipe --container-overrides '{"command":["run","--log-format","json"]}'
# Prints one line per job, "<phase> <job id>".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${NEWSPIPE_IMAGE:?set NEWSPIPE_IMAGE to the image built from the Dockerfile (--target batch), pushed to ECR}"
: "${EFS_FILE_SYSTEM_ID:?set EFS_FILE_SYSTEM_ID}" "${EFS_ACCESS_POINT_ID:?set EFS_ACCESS_POINT_ID}"
queue=${NEWSPIPE_JOB_QUEUE:?set NEWSPIPE_JOB_QUEUE to the Batch job queue}
shards=${NEWSPIPE_SHARDS:?set NEWSPIPE_SHARDS to the manifest\'s shard count}
aws=("$@")

definition=$(sed -e "s|\${NEWSPIPE_IMAGE}|$NEWSPIPE_IMAGE|g" -e "s|\${EFS_FILE_SYSTEM_ID}|$EFS_FILE_SYSTEM_ID|g" \
  -e "s|\${EFS_ACCESS_POINT_ID}|$EFS_ACCESS_POINT_ID|g" "$here/job-definition.json")
arn=$(aws ${aws[@]+"${aws[@]}"} batch register-job-definition --cli-input-json "$definition" --query jobDefinitionArn --output text)

# submit NAME COMMAND-JSON [submit-job options…]: prints the job id.
submit() {
  local name=$1 command=$2; shift 2
  aws ${aws[@]+"${aws[@]}"} batch submit-job --job-name "$name" --job-queue "$queue" --job-definition "$arn" \
    --container-overrides "{\"command\":$command}" "$@" --query jobId --output text
}

if [ "$shards" -lt 2 ]; then
  echo "merge $(submit newspipe-run '["run","--log-format","json"]')"
  exit 0
fi
plan=$(submit newspipe-plan '["plan"]')
echo "plan $plan"
sign=$(submit newspipe-shards '["run","--shard-from-env","--to","dedup","--log-format","json"]' \
  --array-properties "size=$shards" --depends-on "jobId=$plan")
echo "shards $sign"
entities=$(submit newspipe-entities '["run","--shard-from-env","--stage","entities","--log-format","json"]' \
  --array-properties "size=$shards" --depends-on "jobId=$sign")
echo "entities $entities"
merge=$(submit newspipe-merge '["run","--log-format","json"]' --depends-on "jobId=$entities")
echo "merge $merge"
