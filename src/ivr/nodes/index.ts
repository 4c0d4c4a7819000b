import type { NodeTask } from '../context.js';
import type { FlowNode } from '../schema.js';
import { CallbackNode, HoursNode, HttpNode, LookupNode } from './data.js';
import { CollectNode, MenuNode } from './input.js';
import { ClassifyNode, HangupNode, LanguageNode, PlayNode, SubflowNode } from './prompts.js';
import { EndpointNode, QueueNode } from './route.js';
import { SurveyNode } from './survey.js';
import { VoicemailNode } from './voicemail.js';

/**
 * The one factory from a validated node to its task. A new node type (voicemail, survey,
 * follow-up) is a schema entry in the union plus one case here; the interpreter does not change.
 */
export function createNodeTask(node: FlowNode): NodeTask {
  switch (node.type) {
    case 'play':
      return new PlayNode(node);
    case 'menu':
      return new MenuNode(node);
    case 'collect':
      return new CollectNode(node);
    case 'hours':
      return new HoursNode(node);
    case 'language':
      return new LanguageNode(node);
    case 'classify':
      return new ClassifyNode(node);
    case 'lookup':
      return new LookupNode(node);
    case 'http':
      return new HttpNode(node);
    case 'queue':
      return new QueueNode(node);
    case 'endpoint':
      return new EndpointNode(node);
    case 'callback':
      return new CallbackNode(node);
    case 'voicemail':
      return new VoicemailNode(node);
    case 'survey':
      return new SurveyNode(node);
    case 'subflow':
      return new SubflowNode(node);
    case 'hangup':
      return new HangupNode(node);
  }
}
