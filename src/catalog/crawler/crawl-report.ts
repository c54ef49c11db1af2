import type { CrawlResult } from './crawler.ts';

const HEADLINES: Record<CrawlResult['action'], [now: string, planned: string]> = {
  create: ['created', 'would create'],
  update: ['updated', 'would update'],
  unchanged: ['unchanged', 'unchanged'],
  blocked: ['blocked', 'blocked'],
};

/**
 * The text `lakestack crawl [--dry-run]` prints for a crawl of `database.table`: a headline,
 * then the diff lines (applied, or the ones a dry run would apply), the reasons of a block and
 * the drops of a discard contract, indented.
 */
export function formatCrawlReport(name: string, result: CrawlResult, dryRun: boolean): string[] {
  const [now, planned] = HEADLINES[result.action];
  const files = `${result.files.length} ${result.format} file${result.files.length === 1 ? '' : 's'}`;
  const partitions = result.partitionColumns.length > 0 ? `, partitioned by (${result.partitionColumns.join(', ')})` : '';
  const lines = [`table ${name} ${dryRun ? planned : now} from ${files}${partitions}`];
  lines.push(...result.diff.map((d) => `  ${d}`));
  lines.push(...result.reasons.map((r) => `  ! ${r}`));
  lines.push(...result.discards.map((d) => `  - ${d.reason} (discard ${d.drop})`));
  return lines;
}
