import { z } from 'zod';
import type { Knex } from 'knex';
import type { RouteRegistry } from '../api/registry.js';
import { dailyReport, ReportDimensions, ReportGrains, type ReportRow } from './index.js';

/** Longest range one request may ask for: rollups keep it fast, but a decade of days is still a lot of rows. */
export const MaxReportDays = 3660;

const day = z.iso.date().describe('UTC day, YYYY-MM-DD');

const reportQuery = z
  .object({
    from: day.describe('First day included (UTC, YYYY-MM-DD)'),
    to: day.describe('First day no longer included (UTC, YYYY-MM-DD)'),
    groupBy: z.enum(ReportGrains).default('day').describe('Period of each row: day | month | year'),
    by: z
      .enum(ReportDimensions)
      .optional()
      .describe('Split each period by queue | campaign | did | direction'),
    format: z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv'),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MaxReportDays, {
    message: `a report covers at most ${MaxReportDays} days`,
    path: ['to'],
  });

const reportRow = z.object({
  period: z.string().describe('First day of the period'),
  value: z
    .string()
    .nullable()
    .optional()
    .describe('Queue, campaign, DID or direction (null: calls without one)'),
  offered: z.number().int().describe('Calls that reached us'),
  answered: z.number().int().describe('Calls answered'),
  abandoned: z.number().int().describe('Callers who hung up before being answered'),
  avgWaitSeconds: z.number().nullable().describe('Average wait in queue, seconds'),
  p90WaitSeconds: z.number().nullable().describe('90th percentile wait, whole seconds'),
  avgTalkSeconds: z.number().nullable().describe('Average talk time of answered calls, seconds'),
});

const CsvColumns = [
  'period',
  'value',
  'offered',
  'answered',
  'abandoned',
  'avgWaitSeconds',
  'p90WaitSeconds',
  'avgTalkSeconds',
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: ReportRow[]): string {
  const lines = [CsvColumns.join(',')];
  for (const r of rows)
    lines.push(CsvColumns.map((c) => csvCell((r as unknown as Record<string, unknown>)[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** GET /reports/calls: offered, answered, abandoned, waits and talk per period (JSON or CSV). */
export function registerReportRoutes(db: Knex) {
  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'get',
      path: '/reports/calls',
      operationId: 'callsReport',
      summary:
        'Calls per day, month or year, optionally per queue, campaign, DID or direction (JSON, or CSV)',
      tags: ['reports'],
      access: ['analyst', 'supervisor', 'admin'],
      query: reportQuery,
      response: z.object({
        from: z.string(),
        to: z.string(),
        groupBy: z.enum(ReportGrains),
        by: z.string().nullable(),
        rows: z.array(reportRow),
      }),
      handler: async ({ query, req, res }) => {
        const rows = await dailyReport(db, {
          from: query.from,
          to: query.to,
          groupBy: query.groupBy,
          by: query.by,
        });
        const csv =
          query.format === 'csv' ||
          (query.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
        if (csv) {
          res.status(200).type('text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', `attachment; filename="calls-${query.from}-${query.to}.csv"`);
          res.send(toCsv(rows));
          return { from: query.from, to: query.to, groupBy: query.groupBy, by: query.by ?? null, rows: [] };
        }
        return { from: query.from, to: query.to, groupBy: query.groupBy, by: query.by ?? null, rows };
      },
    });
  };
}
