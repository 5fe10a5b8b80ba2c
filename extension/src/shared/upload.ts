// Uploading to the user's own imago server through its Chevereto API.
// CONTRACT STUB: helper X1 implements uploadImage.
export interface UploadOutcome {
  ok: boolean;
  url?: string;
  viewerUrl?: string;
  error?: string;
}
