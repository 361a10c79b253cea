import type { Store } from '../../core/ports/store.port';
import type { CommandSubmitter } from '../command.submitter';
import { submitMutation } from '../submit-mutation';
import { upsertReferenceDataInput } from './reference.inputs';

export function referenceResolvers({ store, submit }: { store: Pick<Store, 'listItemRevisions'>; submit: CommandSubmitter }) {
  return {
    Query: { itemRevisions: (_: unknown, args: { number: string }) => store.listItemRevisions(args.number) },
    Mutation: { upsertReferenceData: submitMutation('UpsertReferenceData', upsertReferenceDataInput, submit) },
  };
}
