/** A problem in a flow document, located by its JSON path (`nodes.menu_main.options.1`). */
export interface FlowIssue {
  path: string;
  message: string;
}

export type IvrErrorCode = 'FLOW_INVALID' | 'FLOW_NOT_FOUND' | 'IVR_LOOP';

export class IvrError extends Error {
  override name = 'IvrError';
  constructor(
    readonly code: IvrErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A flow refused at load or PUT; the version already serving keeps serving. */
export class FlowValidationError extends IvrError {
  override name = 'FlowValidationError';
  constructor(
    readonly source: string,
    readonly issues: FlowIssue[],
  ) {
    const shown = issues
      .slice(0, 5)
      .map((i) => `${i.path || '(document)'}: ${i.message}`)
      .join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    super('FLOW_INVALID', `${source}: ${shown}${more}`);
  }
}

export class FlowNotFoundError extends IvrError {
  override name = 'FlowNotFoundError';
  constructor(readonly flowId: string) {
    super('FLOW_NOT_FOUND', `no flow ${flowId}`);
  }
}

/** A flow that runs too many nodes or nests sub-flows too deep: a loop an engineer did not mean. */
export class IvrLoopError extends IvrError {
  override name = 'IvrLoopError';
  constructor(message: string) {
    super('IVR_LOOP', message);
  }
}
