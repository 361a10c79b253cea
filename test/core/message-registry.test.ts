import { INTAKE_INPUT_FIELDS } from '../../core/intake/submission.service';
import { buildASTSchema, parse, type GraphQLInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../app/schema.loader';
import { MESSAGE_SLICES, mutationOf } from '../../core/messages/message.registry';

/**
 * A message type is one slice in its domain folder, its SDL, and one registry line: the gateway's submit mutations,
 * the webhooks and the workers find everything from the registry. This keeps the registry and the SDL in step.
 */
describe('the message registry', () => {
  const schema = buildASTSchema(parse(loadTypeDefs().join('\n')));
  const mutations = schema.getMutationType()!.getFields();
  const submitMutations = Object.values(mutations).filter((m) => m.type.toString() === 'SubmitResult!');

  it('has a submit mutation taking `<Type>Input!` in the SDL for every slice', () => {
    for (const { messageType } of MESSAGE_SLICES) {
      const mutation = mutations[mutationOf(messageType)];
      expect(mutation, `${messageType}: mutation ${mutationOf(messageType)}`).toBeDefined();
      expect(mutation!.args.map((a) => `${a.name}: ${a.type.toString()}`)).toEqual([`input: ${messageType}Input!`]);
    }
  });

  it('has a slice for every mutation answering SubmitResult', () => {
    expect(submitMutations.map((m) => m.name).sort()).toEqual(
      MESSAGE_SLICES.map((s) => mutationOf(s.messageType)).sort(),
    );
  });

  it("checks in each slice's input shape every field its SDL input type declares (but the intake's own), and no other", () => {
    for (const slice of MESSAGE_SLICES) {
      const input = schema.getType(`${slice.messageType}Input`) as GraphQLInputObjectType;
      const sdlFields = Object.keys(input.getFields());
      const shapeFields = Object.keys((slice.input as unknown as { shape: Record<string, unknown> }).shape);
      expect(sdlFields, `${slice.messageType}Input`).toEqual(expect.arrayContaining([...INTAKE_INPUT_FIELDS]));
      expect(shapeFields.sort(), `${slice.messageType}Input`).toEqual(
        sdlFields.filter((f) => !INTAKE_INPUT_FIELDS.includes(f)).sort(),
      );
    }
  });
});
