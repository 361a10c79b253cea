import type { ExceptionRecord, ExceptionStatus, ExceptionType } from '../ports/records';

/** What the workbench and the workers report about exceptions; monitoring implements it. */
export interface ExceptionObserver {
  /** A person's or the system's action on an exception of a plant. */
  acted(plant: string, action: string): void;
  /** An exception closed with `status`, `seconds` after it opened. */
  closed(type: ExceptionType, status: ExceptionStatus, seconds: number): void;
}

/** Reports a closed exception's time from opening to closing, under the status that closed it. */
function observeClosed(observer: ExceptionObserver | undefined, exception: ExceptionRecord): void {
  if (!exception.closedAt) return;
  const seconds = (Date.parse(exception.closedAt) - Date.parse(exception.createdAt)) / 1000;
  observer?.closed(exception.type, exception.status, Math.max(0, seconds));
}

/** Reports an action on an exception, and its time to resolution when the action closed it. */
export function observeAction(observer: ExceptionObserver | undefined, exception: ExceptionRecord, action: string) {
  observer?.acted(exception.plant, action);
  observeClosed(observer, exception);
}
