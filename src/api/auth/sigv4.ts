// SigV4 verification lives with the IAM code (src/iam/sigv4.ts), on a floor the IAM auth gateway
// can import too (it checks the presigned tokens of Redis connections with the same code).
export * from '../../iam/sigv4.js';
