import { defineMessage } from '../messages/message-slice';
import { releaseUnderDeviationCommand } from './release-under-deviation.command';
import { decideReleaseUnderDeviation } from './quality.gate';

export const releaseUnderDeviation = defineMessage({
  ...releaseUnderDeviationCommand,
  decide: decideReleaseUnderDeviation,
});
