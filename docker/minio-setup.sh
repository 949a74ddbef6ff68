#!/bin/sh
# Run by compose's minio-setup service (the minio/mc image) at every start; safe to run again. Makes the private
# bucket of STORAGE_URL (s3://bucket/prefix) and the app's key (AWS_ACCESS_KEY_ID), which may read, write, delete
# and list in that bucket only (docs/operations.md#file-storage), then checks the key works.
set -eu

bucket="${STORAGE_URL#s3://}"
bucket="${bucket%%/*}"

mc alias set root http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "root/$bucket"
mc anonymous set none "root/$bucket"

cat > /tmp/coalition-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::$bucket"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::$bucket/*"]}
  ]
}
POLICY
mc admin policy create root coalition /tmp/coalition-policy.json
mc admin user add root "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
# Refused when the policy is attached already (a later start); the check below fails if it really is missing.
mc admin policy attach root coalition --user "$AWS_ACCESS_KEY_ID" || true

mc alias set app http://minio:9000 "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
mc ls "app/$bucket" > /dev/null
echo "Bucket $bucket ready for the app's key."
