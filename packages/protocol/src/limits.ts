/** @module limits: the size limits of the wire contract, in UTF-8 bytes where MTChat counts bytes. */

export const LIMITS = {
  messageContentBytes: 50_000,
  titleBytes: 500,
  displayNameBytes: 200,
  companyBytes: 200,
  emailBytes: 254,
  phoneBytes: 50,
  /** object_id, user_id, created_by: MTChat's database limit, enforced here as a 400. */
  idChars: 255,
  objectTypeChars: 100,
  objectUrlChars: 2048,
  scopeValueChars: 255,
  scopeValuesPerLevel: 100,
  scopesPerDialog: 100,
  participantsPerRequest: 5000,
  clientMessageIdChars: 128,
  metaBytes: 64 * 1024,
  dialogsPageDefault: 50,
  dialogsPageMax: 100,
  messagesPageDefault: 50,
  messagesPageMax: 200,
  attachmentsPerMessage: 10,
  attachmentMaxBytes: 104_857_600,
  searchQueryChars: 200,
  searchPageDefault: 20,
  searchPageMax: 100,
} as const;

const encoder = new TextEncoder();

/** UTF-8 byte length, the unit MTChat measures text limits in. */
export function utf8Length(value: string): number {
  return encoder.encode(value).length;
}
