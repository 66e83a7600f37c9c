import {
  DecryptCommand,
  EncryptCommand,
  type DecryptCommandInput,
  type DecryptCommandOutput,
  type EncryptCommandInput,
  type EncryptCommandOutput,
  type KMSClient,
} from '@aws-sdk/client-kms';

/**
 * The KMS operations the secret cipher makes, with the API's shapes (blobs
 * as bytes). Two clients answer them: the AWS SDK (the CLI's bootstrap,
 * tests) and Berth's lean JSON client (./kms-json-client.ts), which the api
 * function uses; the cipher's tests run over both.
 */
export interface KmsOperations {
  Encrypt: [EncryptCommandInput, Pick<EncryptCommandOutput, 'CiphertextBlob'>];
  Decrypt: [DecryptCommandInput, Pick<DecryptCommandOutput, 'Plaintext'>];
}

export type KmsOperation = keyof KmsOperations;

/** Makes one KMS call; a service error is thrown named by its type (`InvalidCiphertextException`, ...). */
export interface KmsCalls {
  call<O extends KmsOperation>(operation: O, input: KmsOperations[O][0]): Promise<KmsOperations[O][1]>;
}

/** The calls over the AWS SDK's client. */
export function sdkKmsCalls(client: KMSClient): KmsCalls {
  const commands: { [O in KmsOperation]: (input: KmsOperations[O][0]) => Promise<KmsOperations[O][1]> } = {
    Encrypt: (input) => client.send(new EncryptCommand(input)),
    Decrypt: (input) => client.send(new DecryptCommand(input)),
  };
  return { call: (operation, input) => commands[operation](input) };
}
