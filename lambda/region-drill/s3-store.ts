import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Journal, JournalStore } from './config';
import { ReportSink } from './report';

/** Journal object of one execution: journals/<execution name>.json. */
export function journalKey(executionId: string): string {
  return `journals/${executionId.split(':').pop()}.json`;
}

/** The journal in the drill's bucket (encrypted with the bucket's key). */
export class S3JournalStore implements JournalStore, ReportSink {
  constructor(private readonly s3: S3Client, private readonly bucket: string) {}

  public async load(executionId: string): Promise<Journal | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: journalKey(executionId) }));
      return JSON.parse(await out.Body!.transformToString()) as Journal;
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  public async save(journal: Journal): Promise<void> {
    await this.put(journalKey(journal.executionId), JSON.stringify(journal), 'application/json');
  }

  public async put(key: string, body: string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }
}

/** A journal in memory (tests of the steps). */
export class MemoryJournalStore implements JournalStore {
  public readonly journals = new Map<string, string>();
  public async load(executionId: string): Promise<Journal | undefined> {
    const raw = this.journals.get(executionId);
    return raw ? JSON.parse(raw) : undefined;
  }
  public async save(journal: Journal): Promise<void> {
    this.journals.set(journal.executionId, JSON.stringify(journal));
  }
}
