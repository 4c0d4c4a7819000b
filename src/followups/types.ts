/** Follow-ups: what someone owes a caller after the call. */

export const FollowUpTypes = ['voicemail', 'callback', 'complaint'] as const;
export type FollowUpType = (typeof FollowUpTypes)[number];
export const FollowUpStatuses = ['open', 'in_progress', 'resolved'] as const;
export type FollowUpStatus = (typeof FollowUpStatuses)[number];

export interface OpenFollowUp {
  type: FollowUpType;
  callId: string;
  customerPhone: string | null;
  /** What it is about (voicemails.id for a voicemail). */
  sourceRef?: string | null;
}

/** How features open follow-ups (the IVR: voicemail, callback node, complaint classification). */
export interface FollowUpOpener {
  /** Idempotent per (type, call): the second call returns the item the first opened. */
  open(request: OpenFollowUp): Promise<{ id: string; created: boolean }>;
}

export interface FollowUp {
  id: string;
  type: FollowUpType;
  callId: string;
  customerPhone: string | null;
  customerId: number | null;
  status: FollowUpStatus;
  assignee: string | null;
  dueAt: string;
  sourceRef: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  overdue: boolean;
}

/** SLA defaults when follow_up_slas has no row for a type (the migration seeds the same). */
export const DefaultSlaMinutes: Record<FollowUpType, number> = {
  complaint: 24 * 60,
  callback: 120,
  voicemail: 240,
};
