/** One operation in the compact declaration table (see table.ts for the string syntaxes). */
export interface OpSpec {
  m: 'GET' | 'POST' | 'PUT' | 'DELETE';
  n: string;
  r: string;
  p: string[];
  e: string[];
  upgrade?: string;
  websocketProtocol?: string;
}

export interface ApiSpec {
  path: string;
  operations: OpSpec[];
}

export interface ModelSpec {
  props: Record<string, string>;
  /** 'events' means: every event model declared in the same resource. */
  subTypes?: string[] | 'events';
  discriminator?: string;
}

export interface ResourceSpec {
  name: string;
  swaggerVersion: string;
  requiresModules?: string[];
  apis: ApiSpec[];
  models: Record<string, ModelSpec>;
}

export type ParamType = 'query' | 'path' | 'body' | 'header' | 'form';

export interface ParamDef {
  name: string;
  paramType: ParamType;
  dataType: string;
  required: boolean;
  allowMultiple: boolean;
  defaultValue?: string | number | boolean;
  allowableValues?:
    { valueType: 'LIST'; values: string[] } | { valueType: 'RANGE'; min?: number; max?: number };
}

export interface OperationDef {
  resource: string;
  path: string;
  httpMethod: OpSpec['m'];
  nickname: string;
  responseClass: string;
  parameters: ParamDef[];
  errorResponses: { code: number; reason: string }[];
  upgrade?: string;
  websocketProtocol?: string;
}
