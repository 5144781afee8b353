import type { Issue } from '../http/errors';
import { normalizeNewlines, textProblem } from './text';

/** A custom question of a scheduling page (stored as JSON on the page). */
export type Question = {
  id: string;
  label: string;
  type: 'text' | 'textarea' | 'select' | 'checkbox';
  required: boolean;
  options?: string[];
};

export type Answers = Record<string, string | boolean>;

/**
 * Checks a booker's answers against the page's custom questions; returns the issues found.
 * Text is judged trimmed, so a blank answer (spaces, tabs, line breaks) is no answer: it never
 * satisfies a required question. Only textarea answers may span lines.
 */
export function validateAnswers(questions: Question[], answers: Answers): Issue[] {
  const issues: Issue[] = [];
  const known = new Set(questions.map((q) => q.id));
  for (const key of Object.keys(answers)) {
    if (!known.has(key)) issues.push({ path: ['answers', key], message: 'Unknown question' });
  }
  for (const q of questions) {
    const raw = answers[q.id];
    const value = typeof raw === 'string' ? normalizeNewlines(raw).trim() : raw;
    const path = ['answers', q.id];
    if (value === undefined || value === '' || (q.type === 'checkbox' && value === false)) {
      if (q.required) issues.push({ path, message: `${q.label} is required` });
      continue;
    }
    if (q.type === 'checkbox') {
      if (typeof value !== 'boolean') issues.push({ path, message: 'Must be true or false' });
    } else if (typeof value !== 'string') {
      issues.push({ path, message: 'Must be text' });
    } else if (q.type === 'select' && !(q.options ?? []).includes(value)) {
      issues.push({ path, message: 'Pick one of the options' });
    } else if (value.length > (q.type === 'textarea' ? 2000 : 300)) {
      issues.push({ path, message: 'Too long' });
    } else {
      const problem = textProblem(value, q.type === 'textarea');
      if (problem) issues.push({ path, message: problem });
    }
  }
  return issues;
}
