// Compact ARI declaration table (Asterisk 22 ARI 10.0.0), expanded into Swagger 1.1 by swagger.ts.
// Param syntax: <q|p|b|h>:<name>:<dataType>[!required][*multiple][=jsonDefault][|allowed|values][>min]
// Error syntax: "<code> <reason>". Model property syntax: <type>[!required][|allowed|values].
import type { ResourceSpec } from './types.js';

// prettier-ignore
export const resourceSpecs: ResourceSpec[] = [
  {
    name: 'asterisk',
    swaggerVersion: '1.1',
    apis: [
      { path: '/asterisk/config/dynamic/{configClass}/{objectType}/{id}', operations: [
          { m: 'GET', n: 'getObject', r: 'List[ConfigTuple]', p: ["p:configClass:string!", "p:objectType:string!", "p:id:string!"], e: ["404 {configClass|objectType|id} not found"] },
          { m: 'PUT', n: 'updateObject', r: 'List[ConfigTuple]', p: ["p:configClass:string!", "p:objectType:string!", "p:id:string!", "b:fields:containers"], e: ["400 Bad request body", "403 Could not create or update object", "404 {configClass|objectType} not found"] },
          { m: 'DELETE', n: 'deleteObject', r: 'void', p: ["p:configClass:string!", "p:objectType:string!", "p:id:string!"], e: ["403 Could not delete object", "404 {configClass|objectType|id} not found"] },
      ] },
      { path: '/asterisk/info', operations: [
          { m: 'GET', n: 'getInfo', r: 'AsteriskInfo', p: ["q:only:string*|build|system|config|status"], e: [] },
      ] },
      { path: '/asterisk/ping', operations: [
          { m: 'GET', n: 'ping', r: 'AsteriskPing', p: [], e: [] },
      ] },
      { path: '/asterisk/modules', operations: [
          { m: 'GET', n: 'listModules', r: 'List[Module]', p: [], e: [] },
      ] },
      { path: '/asterisk/modules/{moduleName}', operations: [
          { m: 'GET', n: 'getModule', r: 'Module', p: ["p:moduleName:string!"], e: ["404 Module could not be found in running modules.", "409 Module information could not be retrieved."] },
          { m: 'POST', n: 'loadModule', r: 'void', p: ["p:moduleName:string!"], e: ["409 Module could not be loaded."] },
          { m: 'DELETE', n: 'unloadModule', r: 'void', p: ["p:moduleName:string!"], e: ["404 Module not found in running modules.", "409 Module could not be unloaded."] },
          { m: 'PUT', n: 'reloadModule', r: 'void', p: ["p:moduleName:string!"], e: ["404 Module not found in running modules.", "409 Module could not be reloaded."] },
      ] },
      { path: '/asterisk/logging', operations: [
          { m: 'GET', n: 'listLogChannels', r: 'List[LogChannel]', p: [], e: [] },
      ] },
      { path: '/asterisk/logging/{logChannelName}', operations: [
          { m: 'POST', n: 'addLog', r: 'void', p: ["p:logChannelName:string!", "q:configuration:string!"], e: ["400 Bad request body", "409 Log channel could not be created."] },
          { m: 'DELETE', n: 'deleteLog', r: 'void', p: ["p:logChannelName:string!"], e: ["404 Log channel does not exist."] },
      ] },
      { path: '/asterisk/logging/{logChannelName}/rotate', operations: [
          { m: 'PUT', n: 'rotateLog', r: 'void', p: ["p:logChannelName:string!"], e: ["404 Log channel does not exist."] },
      ] },
      { path: '/asterisk/variable', operations: [
          { m: 'GET', n: 'getGlobalVar', r: 'Variable', p: ["q:variable:string!"], e: ["400 Missing variable parameter."] },
          { m: 'POST', n: 'setGlobalVar', r: 'void', p: ["q:variable:string!", "q:value:string"], e: ["400 Missing variable parameter."] },
      ] },
    ],
    models: {
      BuildInfo: { props: { os: "string!", kernel: "string!", options: "string!", machine: "string!", date: "string!", user: "string!" } },
      SystemInfo: { props: { version: "string!", entity_id: "string!" } },
      SetId: { props: { user: "string!", group: "string!" } },
      ConfigInfo: { props: { name: "string!", default_language: "string!", max_channels: "int", max_open_files: "int", max_load: "double", setid: "SetId!" } },
      StatusInfo: { props: { startup_time: "Date!", last_reload_time: "Date!" } },
      AsteriskInfo: { props: { build: "BuildInfo", system: "SystemInfo", config: "ConfigInfo", status: "StatusInfo" } },
      AsteriskPing: { props: { asterisk_id: "string!", ping: "string!", timestamp: "string!" } },
      Module: { props: { name: "string!", description: "string!", use_count: "int!", status: "string!", support_level: "string!" } },
      LogChannel: { props: { channel: "string!", type: "string!", status: "string!", configuration: "string!" } },
      Variable: { props: { value: "string!" } },
      Variables: { props: { variables: "object!" } },
      ConfigTuple: { props: { attribute: "string!", value: "string!" } },
    },
  },
  {
    name: 'endpoints',
    swaggerVersion: '1.1',
    apis: [
      { path: '/endpoints', operations: [
          { m: 'GET', n: 'list', r: 'List[Endpoint]', p: [], e: [] },
      ] },
      { path: '/endpoints/sendMessage', operations: [
          { m: 'PUT', n: 'sendMessage', r: 'void', p: ["q:to:string!", "q:from:string!", "q:body:string", "b:variables:containers"], e: ["400 Invalid parameters for sending a message.", "404 Endpoint not found"] },
      ] },
      { path: '/endpoints/refer', operations: [
          { m: 'POST', n: 'refer', r: 'void', p: ["q:to:string!", "q:from:string!", "q:refer_to:string!", "q:to_self:boolean=false", "b:variables:containers"], e: ["400 Invalid parameters for referring.", "404 Endpoint not found"] },
      ] },
      { path: '/endpoints/{tech}', operations: [
          { m: 'GET', n: 'listByTech', r: 'List[Endpoint]', p: ["p:tech:string"], e: ["404 Endpoints not found"] },
      ] },
      { path: '/endpoints/{tech}/{resource}', operations: [
          { m: 'GET', n: 'get', r: 'Endpoint', p: ["p:tech:string", "p:resource:string"], e: ["400 Invalid parameters for sending a message.", "404 Endpoints not found"] },
      ] },
      { path: '/endpoints/{tech}/{resource}/sendMessage', operations: [
          { m: 'PUT', n: 'sendMessageToEndpoint', r: 'void', p: ["p:tech:string", "p:resource:string", "q:from:string!", "q:body:string", "b:variables:containers"], e: ["400 Invalid parameters for sending a message.", "404 Endpoint not found"] },
      ] },
      { path: '/endpoints/{tech}/{resource}/refer', operations: [
          { m: 'POST', n: 'referToEndpoint', r: 'void', p: ["p:tech:string", "p:resource:string", "q:from:string!", "q:refer_to:string!", "q:to_self:boolean=false", "b:variables:containers"], e: ["400 Invalid parameters for referring.", "404 Endpoint not found"] },
      ] },
    ],
    models: {
      Endpoint: { props: { technology: "string!", resource: "string!", state: "string|unknown|offline|online", channel_ids: "List[string]!" } },
      TextMessage: { props: { from: "string!", to: "string!", body: "string!", variables: "object" } },
    },
  },
  {
    name: 'channels',
    swaggerVersion: '1.1',
    requiresModules: ["res_stasis_answer", "res_stasis_playback", "res_stasis_recording", "res_stasis_snoop"],
    apis: [
      { path: '/channels', operations: [
          { m: 'GET', n: 'list', r: 'List[Channel]', p: [], e: [] },
          { m: 'POST', n: 'originate', r: 'Channel', p: ["q:endpoint:string!", "q:extension:string", "q:context:string", "q:priority:long", "q:label:string", "q:app:string", "q:appArgs:string", "q:callerId:string", "q:timeout:int=30", "b:variables:containers", "q:channelId:string", "q:otherChannelId:string", "q:originator:string", "q:formats:string"], e: ["400 Invalid parameters for originating a channel.", "409 Channel with given unique ID already exists."] },
      ] },
      { path: '/channels/create', operations: [
          { m: 'POST', n: 'create', r: 'Channel', p: ["q:endpoint:string!", "q:app:string!", "q:appArgs:string", "q:channelId:string", "q:otherChannelId:string", "q:originator:string", "q:formats:string", "b:variables:containers"], e: ["409 Channel with given unique ID already exists."] },
      ] },
      { path: '/channels/{channelId}', operations: [
          { m: 'GET', n: 'get', r: 'Channel', p: ["p:channelId:string!"], e: ["404 Channel not found"] },
          { m: 'POST', n: 'originateWithId', r: 'Channel', p: ["p:channelId:string!", "q:endpoint:string!", "q:extension:string", "q:context:string", "q:priority:long", "q:label:string", "q:app:string", "q:appArgs:string", "q:callerId:string", "q:timeout:int=30", "b:variables:containers", "q:otherChannelId:string", "q:originator:string", "q:formats:string"], e: ["400 Invalid parameters for originating a channel.", "409 Channel with given unique ID already exists."] },
          { m: 'DELETE', n: 'hangup', r: 'void', p: ["p:channelId:string!", "q:reason_code:string", "q:reason:string|normal|busy|congestion|no_answer|timeout|rejected|unallocated|normal_unspecified|number_incomplete|codec_mismatch|interworking|failure|answered_elsewhere"], e: ["400 Invalid reason for hangup provided", "404 Channel not found"] },
      ] },
      { path: '/channels/{channelId}/continue', operations: [
          { m: 'POST', n: 'continueInDialplan', r: 'void', p: ["p:channelId:string!", "q:context:string", "q:extension:string", "q:priority:int", "q:label:string"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/move', operations: [
          { m: 'POST', n: 'move', r: 'void', p: ["p:channelId:string!", "q:app:string!", "q:appArgs:string"], e: ["404 Channel not found", "409 Channel not in a Stasis application"] },
      ] },
      { path: '/channels/{channelId}/redirect', operations: [
          { m: 'POST', n: 'redirect', r: 'void', p: ["p:channelId:string!", "q:endpoint:string!"], e: ["400 Endpoint parameter not provided", "404 Channel or endpoint not found", "409 Channel not in a Stasis application", "422 Endpoint is not the same type as the channel", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/answer', operations: [
          { m: 'POST', n: 'answer', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/ring', operations: [
          { m: 'POST', n: 'ring', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
          { m: 'DELETE', n: 'ringStop', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/progress', operations: [
          { m: 'POST', n: 'progress', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/dtmf', operations: [
          { m: 'POST', n: 'sendDTMF', r: 'void', p: ["p:channelId:string!", "q:dtmf:string", "q:before:int=0", "q:between:int=100", "q:duration:int=100", "q:after:int=0"], e: ["400 DTMF is required", "404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/mute', operations: [
          { m: 'POST', n: 'mute', r: 'void', p: ["p:channelId:string!", "q:direction:string=\"both\"|both|in|out"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
          { m: 'DELETE', n: 'unmute', r: 'void', p: ["p:channelId:string!", "q:direction:string=\"both\"|both|in|out"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/hold', operations: [
          { m: 'POST', n: 'hold', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
          { m: 'DELETE', n: 'unhold', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/moh', operations: [
          { m: 'POST', n: 'startMoh', r: 'void', p: ["p:channelId:string!", "q:mohClass:string"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
          { m: 'DELETE', n: 'stopMoh', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/silence', operations: [
          { m: 'POST', n: 'startSilence', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
          { m: 'DELETE', n: 'stopSilence', r: 'void', p: ["p:channelId:string!"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/play', operations: [
          { m: 'POST', n: 'play', r: 'Playback', p: ["p:channelId:string!", "q:media:string!*", "q:lang:string", "q:offsetms:int", "q:skipms:int=3000", "q:playbackId:string"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/play/{playbackId}', operations: [
          { m: 'POST', n: 'playWithId', r: 'Playback', p: ["p:channelId:string!", "p:playbackId:string!", "q:media:string!*", "q:lang:string", "q:offsetms:int", "q:skipms:int=3000"], e: ["404 Channel not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
      { path: '/channels/{channelId}/record', operations: [
          { m: 'POST', n: 'record', r: 'LiveRecording', p: ["p:channelId:string!", "q:name:string!", "q:format:string!", "q:maxDurationSeconds:int=0>0", "q:maxSilenceSeconds:int=0>0", "q:ifExists:string=\"fail\"|fail|overwrite|append", "q:beep:boolean=false", "q:terminateOn:string=\"none\"|none|any|*|#"], e: ["400 Invalid parameters", "404 Channel not found", "409 Channel is not in a Stasis application; the channel is currently bridged with other channels; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail", "422 The format specified is unknown on this system"] },
      ] },
      { path: '/channels/{channelId}/variable', operations: [
          { m: 'GET', n: 'getChannelVar', r: 'Variable', p: ["p:channelId:string!", "q:variable:string!"], e: ["400 Missing variable parameter.", "404 Channel or variable not found", "409 Channel not in a Stasis application"] },
          { m: 'POST', n: 'setChannelVar', r: 'void', p: ["p:channelId:string!", "q:variable:string!", "q:value:string", "q:report_events:boolean=false"], e: ["400 Missing variable parameter.", "404 Channel not found", "409 Channel not in a Stasis application"] },
      ] },
      { path: '/channels/{channelId}/variables', operations: [
          { m: 'GET', n: 'getChannelVars', r: 'Variables', p: ["p:channelId:string!", "q:variables:string!*"], e: ["400 Missing variables parameter.", "404 Channel or variable not found", "409 Channel not in a Stasis application"] },
          { m: 'POST', n: 'setChannelVars', r: 'void', p: ["p:channelId:string!", "b:variables:containers!"], e: ["400 Missing variables parameter.", "404 Channel not found", "409 Channel not in a Stasis application"] },
      ] },
      { path: '/channels/{channelId}/snoop', operations: [
          { m: 'POST', n: 'snoopChannel', r: 'Channel', p: ["p:channelId:string!", "q:spy:string=\"none\"|none|both|out|in", "q:whisper:string=\"none\"|none|both|out|in", "q:app:string!", "q:appArgs:string", "q:snoopId:string"], e: ["400 Invalid parameters", "404 Channel not found"] },
      ] },
      { path: '/channels/{channelId}/snoop/{snoopId}', operations: [
          { m: 'POST', n: 'snoopChannelWithId', r: 'Channel', p: ["p:channelId:string!", "p:snoopId:string!", "q:spy:string=\"none\"|none|both|out|in", "q:whisper:string=\"none\"|none|both|out|in", "q:app:string!", "q:appArgs:string"], e: ["400 Invalid parameters", "404 Channel not found"] },
      ] },
      { path: '/channels/{channelId}/dial', operations: [
          { m: 'POST', n: 'dial', r: 'void', p: ["p:channelId:string!", "q:caller:string", "q:timeout:int=0>0"], e: ["404 Channel cannot be found.", "409 Channel cannot be dialed."] },
      ] },
      { path: '/channels/{channelId}/rtp_statistics', operations: [
          { m: 'GET', n: 'rtpstatistics', r: 'RTPstat', p: ["p:channelId:string!"], e: ["404 Channel cannot be found."] },
      ] },
      { path: '/channels/externalMedia', operations: [
          { m: 'POST', n: 'externalMedia', r: 'Channel', p: ["q:channelId:string", "q:app:string!", "b:variables:containers", "q:external_host:string", "q:encapsulation:string=\"rtp\"|rtp|audiosocket|none", "q:transport:string=\"udp\"|udp|tcp|websocket", "q:connection_type:string=\"client\"|client|server", "q:format:string!", "q:direction:string=\"both\"|both", "q:data:string", "q:transport_data:string"], e: ["400 Invalid parameters", "409 Channel is not in a Stasis application; Channel is already bridged"] },
      ] },
      { path: '/channels/{channelId}/transfer_progress', operations: [
          { m: 'POST', n: 'transfer_progress', r: 'void', p: ["p:channelId:string!", "q:states:string!"], e: ["400 Endpoint parameter not provided", "404 Channel or endpoint not found", "409 Channel not in a Stasis application", "412 Channel in invalid state"] },
      ] },
    ],
    models: {
      Dialed: { props: {  } },
      DialplanCEP: { props: { context: "string!", exten: "string!", priority: "long!", app_name: "string!", app_data: "string!" } },
      CallerID: { props: { name: "string!", number: "string!" } },
      RTPstat: { props: { txcount: "int!", rxcount: "int!", txjitter: "double", rxjitter: "double", remote_maxjitter: "double", remote_minjitter: "double", remote_normdevjitter: "double", remote_stdevjitter: "double", local_maxjitter: "double", local_minjitter: "double", local_normdevjitter: "double", local_stdevjitter: "double", txploss: "int!", rxploss: "int!", remote_maxrxploss: "double", remote_minrxploss: "double", remote_normdevrxploss: "double", remote_stdevrxploss: "double", local_maxrxploss: "double", local_minrxploss: "double", local_normdevrxploss: "double", local_stdevrxploss: "double", rtt: "double", maxrtt: "double", minrtt: "double", normdevrtt: "double", stdevrtt: "double", local_ssrc: "int!", remote_ssrc: "int!", txoctetcount: "int!", rxoctetcount: "int!", channel_uniqueid: "string!" } },
      Channel: { props: { id: "string!", protocol_id: "string!", name: "string!", state: "string!|Down|Rsrved|OffHook|Dialing|Ring|Ringing|Up|Busy|Dialing Offhook|Pre-ring|Unknown", caller: "CallerID!", connected: "CallerID!", accountcode: "string!", dialplan: "DialplanCEP!", creationtime: "Date!", language: "string!", channelvars: "object", caller_rdnis: "string", tenantid: "string" } },
    },
  },
  {
    name: 'bridges',
    swaggerVersion: '1.1',
    requiresModules: ["res_stasis_recording", "res_stasis_playback"],
    apis: [
      { path: '/bridges', operations: [
          { m: 'GET', n: 'list', r: 'List[Bridge]', p: [], e: [] },
          { m: 'POST', n: 'create', r: 'Bridge', p: ["q:type:string", "q:bridgeId:string", "q:name:string", "b:variables:containers"], e: ["409 Bridge with the same bridgeId already exists"] },
      ] },
      { path: '/bridges/{bridgeId}', operations: [
          { m: 'POST', n: 'createWithId', r: 'Bridge', p: ["q:type:string", "p:bridgeId:string!", "q:name:string", "b:variables:containers"], e: ["409 Bridge with the same bridgeId already exists"] },
          { m: 'GET', n: 'get', r: 'Bridge', p: ["p:bridgeId:string!"], e: ["404 Bridge not found"] },
          { m: 'DELETE', n: 'destroy', r: 'void', p: ["p:bridgeId:string!"], e: ["404 Bridge not found"] },
      ] },
      { path: '/bridges/{bridgeId}/variable', operations: [
          { m: 'GET', n: 'getBridgeVar', r: 'Variable', p: ["p:bridgeId:string!", "q:variable:string!"], e: ["400 Missing variable parameter.", "404 Bridge or variable not found", "409 Bridge not in a Stasis application"] },
          { m: 'POST', n: 'setBridgeVar', r: 'void', p: ["p:bridgeId:string!", "q:variable:string!", "q:value:string", "q:report_events:boolean=false"], e: ["400 Missing variable parameter.", "404 Bridge not found", "409 Bridge not in a Stasis application"] },
      ] },
      { path: '/bridges/{bridgeId}/variables', operations: [
          { m: 'GET', n: 'getBridgeVars', r: 'Variables', p: ["p:bridgeId:string!", "q:variables:string!*"], e: ["400 Missing variables parameter.", "404 Bridge or variable not found", "409 Bridge not in a Stasis application"] },
          { m: 'POST', n: 'setBridgeVars', r: 'void', p: ["p:bridgeId:string!", "b:variables:containers!"], e: ["400 Missing variables parameter.", "404 Bridge not found", "409 Bridge not in a Stasis application"] },
      ] },
      { path: '/bridges/{bridgeId}/addChannel', operations: [
          { m: 'POST', n: 'addChannel', r: 'void', p: ["p:bridgeId:string!", "q:channel:string!*", "q:role:string", "q:absorbDTMF:boolean=false", "q:mute:boolean=false", "q:inhibitConnectedLineUpdates:boolean=false"], e: ["400 Channel not found", "404 Bridge not found", "409 Bridge not in Stasis application; Channel currently recording", "422 Channel not in Stasis application"] },
      ] },
      { path: '/bridges/{bridgeId}/removeChannel', operations: [
          { m: 'POST', n: 'removeChannel', r: 'void', p: ["p:bridgeId:string!", "q:channel:string!*"], e: ["400 Channel not found", "404 Bridge not found", "409 Bridge not in Stasis application", "422 Channel not in this bridge"] },
      ] },
      { path: '/bridges/{bridgeId}/videoSource/{channelId}', operations: [
          { m: 'POST', n: 'setVideoSource', r: 'void', p: ["p:bridgeId:string!", "p:channelId:string!"], e: ["404 Bridge or Channel not found", "409 Channel not in Stasis application", "422 Channel not in this Bridge"] },
      ] },
      { path: '/bridges/{bridgeId}/videoSource', operations: [
          { m: 'DELETE', n: 'clearVideoSource', r: 'void', p: ["p:bridgeId:string!"], e: ["404 Bridge not found"] },
      ] },
      { path: '/bridges/{bridgeId}/moh', operations: [
          { m: 'POST', n: 'startMoh', r: 'void', p: ["p:bridgeId:string!", "q:mohClass:string"], e: ["404 Bridge not found", "409 Bridge not in Stasis application"] },
          { m: 'DELETE', n: 'stopMoh', r: 'void', p: ["p:bridgeId:string!"], e: ["404 Bridge not found", "409 Bridge not in Stasis application"] },
      ] },
      { path: '/bridges/{bridgeId}/play', operations: [
          { m: 'POST', n: 'play', r: 'Playback', p: ["p:bridgeId:string!", "q:media:string!*", "q:announcer_format:string", "q:lang:string", "q:offsetms:int=0>0", "q:skipms:int=3000>0", "q:playbackId:string"], e: ["404 Bridge not found", "409 Bridge not in a Stasis application", "422 The format specified is unknown on this system"] },
      ] },
      { path: '/bridges/{bridgeId}/play/{playbackId}', operations: [
          { m: 'POST', n: 'playWithId', r: 'Playback', p: ["p:bridgeId:string!", "p:playbackId:string!", "q:media:string!*", "q:announcer_format:string", "q:lang:string", "q:offsetms:int=0>0", "q:skipms:int=3000>0"], e: ["404 Bridge not found", "409 Bridge not in a Stasis application", "422 The format specified is unknown on this system"] },
      ] },
      { path: '/bridges/{bridgeId}/record', operations: [
          { m: 'POST', n: 'record', r: 'LiveRecording', p: ["p:bridgeId:string!", "q:name:string!", "q:format:string!", "q:recorder_format:string", "q:maxDurationSeconds:int=0>0", "q:maxSilenceSeconds:int=0>0", "q:ifExists:string=\"fail\"|fail|overwrite|append", "q:beep:boolean=false", "q:terminateOn:string=\"none\"|none|any|*|#"], e: ["400 Invalid parameters", "404 Bridge not found", "409 Bridge is not in a Stasis application; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail", "422 The format specified is unknown on this system"] },
      ] },
    ],
    models: {
      Bridge: { props: { id: "string!", technology: "string!", bridge_type: "string!|mixing|holding", bridge_class: "string!", creator: "string!", name: "string!", channels: "List[string]!", video_mode: "string", video_source_id: "string", creationtime: "Date!", bridgevars: "object" } },
    },
  },
  {
    name: 'recordings',
    swaggerVersion: '1.1',
    requiresModules: ["res_stasis_recording"],
    apis: [
      { path: '/recordings/stored', operations: [
          { m: 'GET', n: 'listStored', r: 'List[StoredRecording]', p: [], e: [] },
      ] },
      { path: '/recordings/stored/{recordingName}', operations: [
          { m: 'GET', n: 'getStored', r: 'StoredRecording', p: ["p:recordingName:string!"], e: ["404 Recording not found"] },
          { m: 'DELETE', n: 'deleteStored', r: 'void', p: ["p:recordingName:string!"], e: ["404 Recording not found"] },
      ] },
      { path: '/recordings/stored/{recordingName}/file', operations: [
          { m: 'GET', n: 'getStoredFile', r: 'binary', p: ["p:recordingName:string!"], e: ["403 The recording file could not be opened", "404 Recording not found"] },
      ] },
      { path: '/recordings/stored/{recordingName}/copy', operations: [
          { m: 'POST', n: 'copyStored', r: 'StoredRecording', p: ["p:recordingName:string!", "q:destinationRecordingName:string!"], e: ["404 Recording not found", "409 A recording with the same name already exists on the system"] },
      ] },
      { path: '/recordings/live/{recordingName}', operations: [
          { m: 'GET', n: 'getLive', r: 'LiveRecording', p: ["p:recordingName:string!"], e: ["404 Recording not found"] },
          { m: 'DELETE', n: 'cancel', r: 'void', p: ["p:recordingName:string!"], e: ["404 Recording not found"] },
      ] },
      { path: '/recordings/live/{recordingName}/stop', operations: [
          { m: 'POST', n: 'stop', r: 'void', p: ["p:recordingName:string!"], e: ["404 Recording not found"] },
      ] },
      { path: '/recordings/live/{recordingName}/pause', operations: [
          { m: 'POST', n: 'pause', r: 'void', p: ["p:recordingName:string!"], e: ["404 Recording not found", "409 Recording not in session"] },
          { m: 'DELETE', n: 'unpause', r: 'void', p: ["p:recordingName:string!"], e: ["404 Recording not found", "409 Recording not in session"] },
      ] },
      { path: '/recordings/live/{recordingName}/mute', operations: [
          { m: 'POST', n: 'mute', r: 'void', p: ["p:recordingName:string!"], e: ["404 Recording not found", "409 Recording not in session"] },
          { m: 'DELETE', n: 'unmute', r: 'void', p: ["p:recordingName:string!"], e: ["404 Recording not found", "409 Recording not in session"] },
      ] },
    ],
    models: {
      StoredRecording: { props: { name: "string!", format: "string!" } },
      LiveRecording: { props: { name: "string!", format: "string!", target_uri: "string!", state: "string!|queued|recording|paused|done|failed|canceled", duration: "int", talking_duration: "int", silence_duration: "int", cause: "string" } },
    },
  },
  {
    name: 'sounds',
    swaggerVersion: '1.1',
    apis: [
      { path: '/sounds', operations: [
          { m: 'GET', n: 'list', r: 'List[Sound]', p: ["q:lang:string", "q:format:string"], e: [] },
      ] },
      { path: '/sounds/{soundId}', operations: [
          { m: 'GET', n: 'get', r: 'Sound', p: ["p:soundId:string!"], e: [] },
      ] },
    ],
    models: {
      FormatLangPair: { props: { language: "string!", format: "string!" } },
      Sound: { props: { id: "string!", text: "string", formats: "List[FormatLangPair]!" } },
    },
  },
  {
    name: 'playbacks',
    swaggerVersion: '1.1',
    requiresModules: ["res_stasis_playback"],
    apis: [
      { path: '/playbacks/{playbackId}', operations: [
          { m: 'GET', n: 'get', r: 'Playback', p: ["p:playbackId:string!"], e: ["404 The playback cannot be found"] },
          { m: 'DELETE', n: 'stop', r: 'void', p: ["p:playbackId:string!"], e: ["404 The playback cannot be found"] },
      ] },
      { path: '/playbacks/{playbackId}/control', operations: [
          { m: 'POST', n: 'control', r: 'void', p: ["p:playbackId:string!", "q:operation:string!|restart|pause|unpause|reverse|forward"], e: ["400 The provided operation parameter was invalid", "404 The playback cannot be found", "409 The operation cannot be performed in the playback's current state"] },
      ] },
    ],
    models: {
      Playback: { props: { id: "string!", media_uri: "string!", next_media_uri: "string", target_uri: "string!", language: "string", state: "string!|queued|playing|continuing|done|failed" } },
    },
  },
  {
    name: 'deviceStates',
    swaggerVersion: '1.1',
    requiresModules: ["res_stasis_device_state"],
    apis: [
      { path: '/deviceStates', operations: [
          { m: 'GET', n: 'list', r: 'List[DeviceState]', p: [], e: [] },
      ] },
      { path: '/deviceStates/{deviceName}', operations: [
          { m: 'GET', n: 'get', r: 'DeviceState', p: ["p:deviceName:string!"], e: [] },
          { m: 'PUT', n: 'update', r: 'void', p: ["p:deviceName:string!", "q:deviceState:string!|NOT_INUSE|INUSE|BUSY|INVALID|UNAVAILABLE|RINGING|RINGINUSE|ONHOLD"], e: ["404 Device name is missing", "409 Uncontrolled device specified"] },
          { m: 'DELETE', n: 'delete', r: 'void', p: ["p:deviceName:string!"], e: ["404 Device name is missing", "409 Uncontrolled device specified"] },
      ] },
    ],
    models: {
      DeviceState: { props: { name: "string!", state: "string!|UNKNOWN|NOT_INUSE|INUSE|BUSY|INVALID|UNAVAILABLE|RINGING|RINGINUSE|ONHOLD" } },
    },
  },
  {
    name: 'mailboxes',
    swaggerVersion: '1.1',
    requiresModules: ["res_stasis_mailbox"],
    apis: [
      { path: '/mailboxes', operations: [
          { m: 'GET', n: 'list', r: 'List[Mailbox]', p: [], e: [] },
      ] },
      { path: '/mailboxes/{mailboxName}', operations: [
          { m: 'GET', n: 'get', r: 'Mailbox', p: ["p:mailboxName:string!"], e: ["404 Mailbox not found"] },
          { m: 'PUT', n: 'update', r: 'void', p: ["p:mailboxName:string!", "q:oldMessages:int!", "q:newMessages:int!"], e: ["404 Mailbox not found"] },
          { m: 'DELETE', n: 'delete', r: 'void', p: ["p:mailboxName:string!"], e: ["404 Mailbox not found"] },
      ] },
    ],
    models: {
      Mailbox: { props: { name: "string!", old_messages: "int!", new_messages: "int!" } },
    },
  },
  {
    name: 'events',
    swaggerVersion: '1.2',
    requiresModules: ["res_http_websocket"],
    apis: [
      { path: '/events', operations: [
          { m: 'GET', n: 'eventWebsocket', r: 'Message', p: ["q:app:string!*", "q:subscribeAll:boolean"], e: [], upgrade: 'websocket', websocketProtocol: 'ari' },
      ] },
      { path: '/events/user/{eventName}', operations: [
          { m: 'POST', n: 'userEvent', r: 'void', p: ["p:eventName:string!", "q:application:string!", "q:source:string*", "b:variables:containers"], e: ["404 Application does not exist.", "422 Event source not found.", "400 Invalid even tsource URI or userevent data."] },
      ] },
      { path: '/events/claim', operations: [
          { m: 'POST', n: 'claimChannel', r: 'void', p: ["q:channelId:string!", "q:application:string!"], e: ["404 Channel not found or not in broadcast state.", "409 Channel has already been claimed by another application."] },
      ] },
    ],
    models: {
      Message: { props: { type: "string!", asterisk_id: "string" }, subTypes: ["MissingParams", "Event"], discriminator: 'type' },
      MissingParams: { props: { params: "List[string]!" } },
      Event: { props: { application: "string!", timestamp: "Date!" }, subTypes: 'events' },
      ContactInfo: { props: { uri: "string!", contact_status: "string!|Unreachable|Reachable|Unknown|NonQualified|Removed", aor: "string!", roundtrip_usec: "string" } },
      Peer: { props: { peer_status: "string!", cause: "string", address: "string", port: "string", time: "string" } },
      DeviceStateChanged: { props: { device_state: "DeviceState!" } },
      PlaybackStarted: { props: { playback: "Playback!" } },
      PlaybackContinuing: { props: { playback: "Playback!" } },
      PlaybackFinished: { props: { playback: "Playback!" } },
      RecordingStarted: { props: { recording: "LiveRecording!" } },
      RecordingFinished: { props: { recording: "LiveRecording!" } },
      RecordingFailed: { props: { recording: "LiveRecording!" } },
      ApplicationMoveFailed: { props: { channel: "Channel!", destination: "string!", args: "List[string]!" } },
      ApplicationRegistered: { props: {  } },
      ApplicationUnregistered: { props: {  } },
      ApplicationReplaced: { props: {  } },
      BridgeCreated: { props: { bridge: "Bridge!" } },
      BridgeDestroyed: { props: { bridge: "Bridge!" } },
      BridgeMerged: { props: { bridge: "Bridge!", bridge_from: "Bridge!" } },
      BridgeVideoSourceChanged: { props: { bridge: "Bridge!", old_video_source_id: "string" } },
      BridgeBlindTransfer: { props: { channel: "Channel!", replace_channel: "Channel", transferee: "Channel", exten: "string!", context: "string!", result: "string!", is_external: "boolean!", bridge: "Bridge" } },
      BridgeAttendedTransfer: { props: { transferer_first_leg: "Channel!", transferer_second_leg: "Channel!", replace_channel: "Channel", transferee: "Channel", transfer_target: "Channel", result: "string!", is_external: "boolean!", transferer_first_leg_bridge: "Bridge", transferer_second_leg_bridge: "Bridge", destination_type: "string!", destination_bridge: "string", destination_application: "string", destination_link_first_leg: "Channel", destination_link_second_leg: "Channel", destination_threeway_channel: "Channel", destination_threeway_bridge: "Bridge" } },
      ChannelCreated: { props: { channel: "Channel!" } },
      ChannelDestroyed: { props: { cause: "int!", cause_txt: "string!", tech_cause: "int", channel: "Channel!" } },
      ChannelEnteredBridge: { props: { bridge: "Bridge!", channel: "Channel" } },
      ChannelLeftBridge: { props: { bridge: "Bridge!", channel: "Channel!" } },
      ChannelStateChange: { props: { channel: "Channel!" } },
      ChannelDtmfReceived: { props: { digit: "string!", duration_ms: "int!", channel: "Channel!" } },
      ChannelDialplan: { props: { channel: "Channel!", dialplan_app: "string!", dialplan_app_data: "string!" } },
      ChannelCallerId: { props: { caller_presentation: "int!", caller_presentation_txt: "string!", channel: "Channel!" } },
      ChannelUserevent: { props: { eventname: "string!", channel: "Channel", bridge: "Bridge", endpoint: "Endpoint", userevent: "object!" } },
      ChannelHangupRequest: { props: { cause: "int", tech_cause: "int", soft: "boolean", channel: "Channel!" } },
      ChannelVarset: { props: { variable: "string!", value: "string!", channel: "Channel" } },
      ChannelHold: { props: { channel: "Channel!", musicclass: "string" } },
      ChannelUnhold: { props: { channel: "Channel!" } },
      ChannelToneDetected: { props: { channel: "Channel!" } },
      ChannelTalkingStarted: { props: { channel: "Channel!" } },
      ChannelTalkingFinished: { props: { channel: "Channel!", duration: "int!" } },
      ContactStatusChange: { props: { endpoint: "Endpoint!", contact_info: "ContactInfo!" } },
      PeerStatusChange: { props: { endpoint: "Endpoint!", peer: "Peer!" } },
      EndpointStateChange: { props: { endpoint: "Endpoint!" } },
      Dial: { props: { caller: "Channel", peer: "Channel!", forward: "string", forwarded: "Channel", dialstring: "string", dialstatus: "string!" } },
      StasisEnd: { props: { channel: "Channel!" } },
      StasisStart: { props: { args: "List[string]!", channel: "Channel!", replace_channel: "Channel" } },
      TextMessageReceived: { props: { message: "TextMessage!", endpoint: "Endpoint" } },
      ChannelConnectedLine: { props: { channel: "Channel!" } },
      ChannelTransfer: { props: { state: "string", refer_to: "ReferTo!", referred_by: "ReferredBy!" } },
      ReferTo: { props: { requested_destination: "RequiredDestination!", destination_channel: "Channel", connected_channel: "Channel", bridge: "Bridge" } },
      ReferredBy: { props: { source_channel: "Channel!", connected_channel: "Channel", bridge: "Bridge" } },
      RequiredDestination: { props: { protocol_id: "string", destination: "string", additional_protocol_params: "List[AdditionalParam]" } },
      AdditionalParam: { props: { parameter_name: "string!", parameter_value: "string!" } },
      RESTHeader: { props: { name: "string!", value: "string!" } },
      RESTQueryStringParameter: { props: { name: "string!", value: "string!" } },
      RESTRequest: { props: { type: "string!", transaction_id: "string!", request_id: "string!", method: "string!", uri: "string!", content_type: "string", query_strings: "List[RESTQueryStringParameter]", message_body: "string" } },
      RESTResponse: { props: { transaction_id: "string!", request_id: "string!", status_code: "int!", reason_phrase: "string!", uri: "string!", content_type: "string", message_body: "string" } },
      CallBroadcast: { props: { channel: "Channel!", caller: "string", called: "string" } },
      CallClaimed: { props: { channel: "Channel!", winner_app: "string!" } },
    },
  },
  {
    name: 'applications',
    swaggerVersion: '1.1',
    apis: [
      { path: '/applications', operations: [
          { m: 'GET', n: 'list', r: 'List[Application]', p: [], e: [] },
      ] },
      { path: '/applications/{applicationName}', operations: [
          { m: 'GET', n: 'get', r: 'Application', p: ["p:applicationName:string!"], e: ["404 Application does not exist."] },
      ] },
      { path: '/applications/{applicationName}/subscription', operations: [
          { m: 'POST', n: 'subscribe', r: 'Application', p: ["p:applicationName:string!", "q:eventSource:string!*"], e: ["400 Missing parameter.", "404 Application does not exist.", "422 Event source does not exist."] },
          { m: 'DELETE', n: 'unsubscribe', r: 'Application', p: ["p:applicationName:string!", "q:eventSource:string!*"], e: ["400 Missing parameter; event source scheme not recognized.", "404 Application does not exist.", "409 Application not subscribed to event source.", "422 Event source does not exist."] },
      ] },
      { path: '/applications/{applicationName}/eventFilter', operations: [
          { m: 'PUT', n: 'filter', r: 'Application', p: ["p:applicationName:string!", "b:filter:object"], e: ["400 Bad request.", "404 Application does not exist."] },
      ] },
    ],
    models: {
      Application: { props: { name: "string!", channel_ids: "List[string]!", bridge_ids: "List[string]!", endpoint_ids: "List[string]!", device_names: "List[string]!", events_allowed: "List[object]!", events_disallowed: "List[object]!" } },
    },
  },
];
