import type Database from 'better-sqlite3';
import { ruleChangeConflict, type RuleChange } from '../../core/rules/rule-change';

/** Rule changes in SQLite: the plant and revision as columns, the change as a document. */
export function sqliteRuleStatements(db: Database.Database) {
  const insert = db.prepare(
    'INSERT INTO rule_changes (id, plant, rev, proposed_at, doc) VALUES (@id, @plant, @rev, @proposed_at, @doc) ON CONFLICT DO NOTHING',
  );
  const update = db.prepare('UPDATE rule_changes SET rev = @rev, doc = @doc WHERE id = @id AND rev = @expected');
  const all = db.prepare<[], { doc: string }>('SELECT doc FROM rule_changes ORDER BY proposed_at, id');
  const ofPlant = db.prepare<[string], { doc: string }>(
    'SELECT doc FROM rule_changes WHERE plant = ? ORDER BY proposed_at, id',
  );
  return {
    /** Inside the caller's write transaction. */
    save(change: RuleChange, expectedRev: number) {
      const row = {
        id: change.id,
        plant: change.plant,
        rev: change.rev,
        proposed_at: change.proposedAt,
        doc: JSON.stringify(change),
      };
      const changed =
        expectedRev === 0 ? insert.run(row).changes : update.run({ ...row, expected: expectedRev }).changes;
      if (changed === 0) {
        throw ruleChangeConflict(change.id);
      }
    },
    list(plant?: string): RuleChange[] {
      return (plant === undefined ? all.all() : ofPlant.all(plant)).map((r) => JSON.parse(r.doc) as RuleChange);
    },
  };
}
