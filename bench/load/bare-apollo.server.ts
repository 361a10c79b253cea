import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/** The baseline of ingestion: a bare @apollo/server answering the same submit mutation without doing anything. */
const typeDefs = `
  scalar JSON
  enum SubmitStatus { ACCEPTED DUPLICATE }
  type SubmitResult { correlationId: ID! status: SubmitStatus! }
  type Query { ok: Boolean }
  type Mutation { releaseProductionOrder(input: JSON!): SubmitResult! }
`;
const resolvers = { Mutation: { releaseProductionOrder: () => ({ correlationId: randomUUID(), status: 'ACCEPTED' }) } };

async function main() {
  const server = new ApolloServer({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.argv[2] ?? 0), host: '127.0.0.1' },
  });
  console.log(`bare apollo at ${url.replace(/\/$/, '')}`);
}

void main();
