/**
 * The workflows every new page starts with (SPEC 11), as migration 0015 gave existing pages:
 * booker reminders 24 hours and 1 hour before, and an inactive "We missed you" follow-up. Their
 * subject and body are null: the catalogue's text in each recipient's language.
 */
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { workflows } from '../db/schema';

export const DEFAULT_WORKFLOWS = [
  { name: 'Reminder 24 hours before', trigger: 'before_start', offsetMinutes: 1440, action: 'email_booker', active: true },
  { name: 'Reminder 1 hour before', trigger: 'before_start', offsetMinutes: 60, action: 'email_booker', active: true },
  { name: 'We missed you', trigger: 'marked_no_show', offsetMinutes: null, action: 'email_booker', active: false },
] as const;

/** The insert for a page created in the same batch (`pageId`: an SQL expression that finds it). */
export const defaultWorkflowsInsert = (db: Db, pageId: SQL<number>, now: number) =>
  db.insert(workflows).values(DEFAULT_WORKFLOWS.map((w) => ({ ...w, pageId: pageId as unknown as number, createdAt: now, updatedAt: now })));
