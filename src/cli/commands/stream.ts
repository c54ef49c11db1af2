import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { putChangeInput } from '../../runtime/put-change-input.ts';
import { provision } from '../../runtime/provision.ts';
import { withPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { usageError } from '../usage-error.ts';

/** `lakestack stream put`: feeds change records into a stream, as Kinesis PutRecords would. */
export function registerStream(program: Command): void {
  const stream = program.command('stream').description('work with streams');
  stream
    .command('put')
    .description(
      'put change records into a stream: a Lambda DynamoDB Streams event {"Records":[…]}, a Lambda Kinesis event whose base64 data is a DynamoDB change record, or JSON lines of either record',
    )
    .requiredOption('-s, --stream <name>', 'stream to put into (declared in the project)')
    .requiredOption('-f, --file <file>', 'file with the records ("-" for standard input)')
    .action(async (_o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { stream: string; file: string }>();
      const text = options.file === '-' ? await readStdin() : await readFile(options.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw usageError(`cannot read --file ${options.file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
      await withPlatform(options, async (platform, out) => {
        if (!(options.stream in platform.project.streams)) {
          throw usageError(`stream "${options.stream}" is not declared; declared: ${Object.keys(platform.project.streams).join(', ') || 'none'}`);
        }
        await provision(platform);
        const value = { stream: options.stream, ...(await putChangeInput(platform.streams, options.stream, text)) };
        out.result(value, () => {
          out.line(`put ${value.put} record(s) into ${options.stream}`);
          const [first] = value.unreadable;
          if (first) {
            out.note(`${value.unreadable.length} line(s) are not change records; they were put as-is and will be dead-lettered with the reason, e.g. line ${first.line}: ${first.reason}`);
          }
        });
      });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
