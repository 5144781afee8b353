import type { Tab } from '../domain/tabs';
import type { BookingRow } from './bookings-row';

/**
 * The bar that acts on the selected rows (SPEC 13): Cancel on Upcoming (one optional reason,
 * asked inline), Mark attended / no-show on Past, each only when some row allows it. Hidden
 * until a row is selected; the per-booking answer lands in the results region.
 */
export function BulkBar({ tab, rows }: { tab: Tab; rows: BookingRow[] }) {
  const cancel = tab === 'upcoming' && rows.some((b) => b.canDelete);
  const mark = tab === 'past' && rows.some((b) => b.canEdit);
  return (
    <div class="bulk" data-bulk>
      <div class="bulk-bar" role="region" aria-label="Selected bookings" hidden>
        <span class="bulk-count" aria-live="polite" data-selected-count>
          0 selected
        </span>
        {cancel && (
          <button type="button" class="danger" data-bulk-open="cancel" aria-expanded="false">
            Cancel selected
          </button>
        )}
        {mark && (
          <>
            <button type="button" data-bulk-action="attended">
              Mark attended
            </button>
            <button type="button" data-bulk-action="no_show">
              Mark no-show
            </button>
          </>
        )}
        <button type="button" class="link" data-bulk-clear>
          Clear selection
        </button>
        {cancel && (
          <form class="bulk-cancel" data-bulk-form="cancel" aria-label="Cancel selected bookings" hidden>
            <label>
              Reason for the bookers (optional)
              <textarea name="reason" maxlength={500} rows={2}></textarea>
            </label>
            <button type="submit" class="danger">
              Cancel bookings
            </button>
            <button type="button" data-bulk-close>
              Keep them
            </button>
          </form>
        )}
      </div>
      <div class="bulk-results" role="status" aria-live="polite" data-bulk-results></div>
    </div>
  );
}
