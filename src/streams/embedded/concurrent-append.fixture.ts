// Child process of embedded-stream-transport.test.ts: appends `batches` batches of `size`
// records with keys `<writer>-<n>` to a stream, then prints the put results as JSON.
import { EmbeddedStreamTransport } from './embedded-stream-transport.ts';

const [root, stream, writer, batches, size] = process.argv.slice(2);
if (!root || !stream || !writer || !batches || !size) throw new Error('usage: concurrent-append.fixture.ts <root> <stream> <writer> <batches> <size>');
const transport = new EmbeddedStreamTransport({ root, segmentBytes: 16 * 1024 });
const results = [];
for (let b = 0; b < Number(batches); b++) {
  const records = Array.from({ length: Number(size) }, (_, i) => ({
    partitionKey: `${writer}-${i % 7}`,
    data: new TextEncoder().encode(`${writer}:${b * Number(size) + i}`),
  }));
  results.push(...(await transport.putRecords(stream, records)));
}
await transport.close();
process.stdout.write(JSON.stringify(results));
