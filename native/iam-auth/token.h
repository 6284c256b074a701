/*
 * The user an ElastiCache IAM token names. A token is a presigned URL without its scheme:
 * `<cache-id>/?Action=connect&User=<user-id>&X-Amz-…&X-Amz-Signature=…` (botocore's and the JS
 * SDK's signers both make it). Only the shape is looked at here; the verifier checks the rest.
 */
#ifndef CACHEFLEET_IAM_TOKEN_H
#define CACHEFLEET_IAM_TOKEN_H

#include <stddef.h>

/* Writes the (percent-decoded) User of a token into out; 0 when `s` is a token with a user, -1 otherwise. */
int token_user(const char *s, size_t len, char *out, size_t outlen);

#endif
