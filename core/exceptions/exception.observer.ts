import type { ExceptionStatus, ExceptionType } from '../ports/records';

/** What the workbench and the workers report about exceptions; monitoring implements it. */
export interface ExceptionObserver {
  /** A person's or the system's action on an exception of a plant. */
  acted(plant: string, action: string): void;
  /** An exception closed with `status`, `seconds` after it opened. */
  closed(type: ExceptionType, status: ExceptionStatus, seconds: number): void;
}
