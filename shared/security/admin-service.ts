import type {
  AccessKeySummary,
  CreateAccessKeyRequest,
  CreatedAccessKey,
  ReadAuditRequest,
  ReadAuditResponse,
} from './admin-api.ts';

/** What the admin API does, whatever stores it; the router knows only this. */
export interface AdminService {
  createAccessKey(request: CreateAccessKeyRequest): Promise<CreatedAccessKey>;
  listAccessKeys(): Promise<AccessKeySummary[]>;
  disableAccessKey(accessKeyId: string): Promise<AccessKeySummary>;
  rotateAccessKey(accessKeyId: string): Promise<{ accessKey: CreatedAccessKey; replaced: AccessKeySummary }>;
  readAudit(request: ReadAuditRequest): Promise<ReadAuditResponse>;
}
