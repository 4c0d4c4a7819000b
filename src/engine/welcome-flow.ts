import type { Call } from '../ari/index.js';

export interface WelcomeFlowOptions {
  /** Media URI of the greeting, e.g. sound:hello-world. */
  welcomeSound: string;
  /** Prompt language when the channel has none (vi, fa, en...). */
  language: string;
}

/**
 * The minimal inbound call: answer, greet, hang up. It stands in until the IVR interpreter takes
 * over inbound calls. A caller who hangs up mid-prompt ends it through CallHungUpError.
 */
export function welcomeFlow(options: WelcomeFlowOptions): (call: Call) => Promise<void> {
  return async (call) => {
    await call.answer();
    const result = await call.play(options.welcomeSound, { lang: call.channel.language || options.language });
    if (result.status === 'failed')
      call.log.warn('welcome prompt could not be played', { media: options.welcomeSound });
    await call.hangup('normal');
  };
}
