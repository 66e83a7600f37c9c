import * as z from 'zod';
import { createAwsJsonClient, type AwsJsonClientOptions } from '../adapters/aws-json-client.ts';
import type { KmsCalls, KmsOperations } from './kms-calls.ts';

/**
 * KMS over Berth's lean JSON client (`TrentService.<Operation>`, AWS JSON
 * 1.1). The JSON protocol carries blobs as base64 strings: the client
 * encodes the request's and decodes the answer's, so callers see bytes as
 * they do with the SDK.
 */
export interface KmsJsonClient extends KmsCalls {
  /** Closes the pooled connections. */
  destroy(): void;
}

const blob = z.base64().transform((text) => new Uint8Array(Buffer.from(text, 'base64')));
const encryptAnswer = z.object({ CiphertextBlob: blob.optional() });
const decryptAnswer = z.object({ Plaintext: blob.optional() });

const base64Of = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('base64');

export function createKmsJsonClient(options: AwsJsonClientOptions): KmsJsonClient {
  const client = createAwsJsonClient({ signingName: 'kms', targetPrefix: 'TrentService', jsonVersion: '1.1' }, options);
  const operations: { [O in keyof KmsOperations]: (input: KmsOperations[O][0]) => Promise<KmsOperations[O][1]> } = {
    Encrypt: async (input) =>
      encryptAnswer.parse(await client.call('Encrypt', { ...input, Plaintext: base64Of(input.Plaintext) })),
    Decrypt: async (input) =>
      decryptAnswer.parse(await client.call('Decrypt', { ...input, CiphertextBlob: base64Of(input.CiphertextBlob) })),
  };
  return {
    call: (operation, input) => operations[operation](input as never),
    destroy: () => client.destroy(),
  };
}
