import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { NotificationEnvelope } from './notification.ts';
import type { DeliveryReceipt, NotifyChannel } from './notify-channel.ts';
import { InvalidNotifyConfigError, TransientDeliveryError } from './notify-errors.ts';

/** File settings. */
export interface FileChannelOptions {
  /** JSON Lines file to append to; missing folders are created. */
  path: string;
}

/**
 * Appends each envelope as one JSON line. The line goes out in a single write on a file opened
 * with O_APPEND, so concurrent publishers never interleave inside a line.
 * Errors: `TransientDeliveryError` when the folder or file cannot be written.
 */
export class FileChannel implements NotifyChannel {
  readonly kind = 'file';
  readonly target: string;

  constructor(options: FileChannelOptions) {
    if (typeof options.path !== 'string' || options.path === '') {
      throw new InvalidNotifyConfigError('file channel', `has path ${JSON.stringify(options.path)}; give a file path`, 'channel.path');
    }
    this.target = resolve(options.path);
  }

  async deliver(envelope: NotificationEnvelope): Promise<DeliveryReceipt> {
    const line = Buffer.from(`${JSON.stringify(envelope)}\n`, 'utf8');
    try {
      await mkdir(dirname(this.target), { recursive: true });
      const handle = await open(this.target, 'a');
      try {
        await handle.write(line, 0, line.length);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw new TransientDeliveryError(
        `appending message ${envelope.MessageId} to "${this.target}" failed: ${errorMessage(err)}; check the folder exists or can be created and is writable`,
        { path: this.target },
        err,
      );
    }
    return { attempts: 1 };
  }
}
