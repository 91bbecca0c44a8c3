/**
 * Platform result codes: seed 002's table, the extended table of docs_sdk_en `render/error_status.rst`
 * (sdk-reference §3), and the submit codes of the desktop client. `hint` says what the user can do.
 */
interface CodeInfo {
  name: string;
  meaning: string;
  hint?: string;
}

export const API_CODES: Readonly<Record<number, CodeInfo>> = {
  100: { name: 'FAIL', meaning: 'the request failed' },
  200: { name: 'SUCCESS', meaning: 'success' },
  301: { name: 'NEED_REDIRECT', meaning: 'the request must go to another address', hint: 'check RAYVISION_API_DOMAIN' },
  400: { name: 'API_ERROR', meaning: 'bad request' },
  403: {
    name: 'FORBIDDEN',
    meaning: 'not authorized',
    hint: 'check RAYVISION_API_ACCESS_ID and that the account may use the API on this domain',
  },
  404: { name: 'RESOURCE_NOT_FOUND', meaning: 'the resource does not exist', hint: 'check the ids you passed' },
  500: { name: 'INTERNAL_ERROR', meaning: 'the farm failed to process the request', hint: 'try again in a moment' },
  507: { name: 'BALANCE_INSUFFICIENT', meaning: 'the account balance is too low', hint: 'top up the account' },
  513: { name: 'USER_CACHE_NOTFOUNT', meaning: 'the user session was not found on the farm', hint: 'try again' },
  595: { name: 'FRAME_PARSE_ERROR', meaning: 'the frame range could not be parsed', hint: 'check the frame numbers' },
  600: { name: 'PARAMETER_INVALID', meaning: 'a parameter is invalid', hint: 'correct the named parameter' },
  601: { name: 'PARAMETER_CANT_BE_EMPTY', meaning: 'a required parameter is missing', hint: 'supply the missing field' },
  602: { name: 'NEED_USER_LOGIN', meaning: 'the user must log in' },
  603: { name: 'ILLEGAL_PROTOCOL', meaning: 'illegal request', hint: 'send the request again (a nonce may have been reused)' },
  604: { name: 'VALIDATE_CODE_ERROR', meaning: 'the mobile verification code is wrong' },
  605: {
    name: 'VINSUFFICIENT_PERMISSIONS',
    meaning: 'insufficient permissions',
    hint: 'ask the main account to grant this permission',
  },
  606: { name: 'VALIDATE_COMMOM_CODE_ERROR', meaning: 'the verification code is wrong' },
  607: { name: 'VALIDATE_SEND_CODE_ERROR', meaning: 'the verification code could not be sent' },
  608: {
    name: 'USER_AREA_ERROR',
    meaning: "the account belongs to another region's domain",
    hint: 'set RAYVISION_API_DOMAIN to your region (task.renderbus.com for China, task.foxrenderfarm.com overseas)',
  },
  610: {
    name: 'SIGNATURE_EXPIRED',
    meaning: 'the signature expired (timestamp too far from the server clock)',
    hint: "this machine's clock is off by more than 5 minutes; sync it (e.g. with NTP)",
  },
  611: {
    name: 'SIGNATURE_INVALID',
    meaning: 'the signature is invalid',
    hint: 'check RAYVISION_API_ACCESS_KEY, RAYVISION_API_ACCESS_ID and RAYVISION_API_PLATFORM',
  },
  700: { name: 'DO_NOT_HAVE_ANY_MORE_RECORD', meaning: 'no more records' },
  749: { name: 'DUPLICATE_SUBMIT', meaning: 'the task was already submitted', hint: 'check the task list before submitting again' },
  800: { name: 'ACCOUNT_BINDING_USER_NULL', meaning: 'the account does not exist' },
  801: { name: 'ACCOUNT_NOT_BINDING', meaning: 'the device is not bound' },
  802: { name: 'ACCOUNT_BINDING_FAIL', meaning: 'device binding failed' },
  804: { name: 'ACCOUNT_LOCKED', meaning: 'the account is disabled', hint: 'contact the farm support' },
  805: { name: 'ACCOUNT_USERNAME_PASSWORD_FAIL', meaning: 'user name or password invalid' },
  806: { name: 'ACCOUNT_UNIONID_FAIL', meaning: 'the account is not bound to a third-party user' },
  807: { name: 'ACCOUNT_PHONE_FAIL', meaning: 'the phone number is not bound to a third-party user' },
  808: { name: 'ACCOUNT_UNIONID_PHONE', meaning: 'the phone number is already bound to another user' },
  809: { name: 'ACCOUNT_WEIXIN_FAIL', meaning: 'WeChat login failed' },
  810: { name: 'ACCOUNT_WEIBO_FAIL', meaning: 'Weibo login failed' },
  811: { name: 'ACCOUNT_LOGOUT_FAIL', meaning: 'logout failed' },
  812: { name: 'ACCOUNT_LOGIN_IPLIMITFAIL', meaning: 'the IP address is prohibited', hint: 'check the account IP allow-list' },
  813: { name: 'ACCOUNT_QQ_FAIL', meaning: 'QQ login failed' },
  814: { name: 'NOREPEAT_SELECT_SOFTWARE', meaning: 'common software cannot be selected twice' },
  815: { name: 'ACCOUNT_UNIONID_EXISTS', meaning: 'the union id already exists' },
  900: { name: 'VALIDATE_PHONE_FAIL', meaning: 'the phone number already exists' },
  901: { name: 'VALIDATE_EMAIL_FAIL', meaning: 'the mailbox already exists' },
  902: { name: 'VALIDATE_USERNAME_FAIL', meaning: 'the user name already exists' },
  903: { name: 'ACCOUNT_EMAIL_FAIL', meaning: 'the mailbox is not bound to an account' },
  904: { name: 'CURRENCY_NOT_SUPPORT', meaning: 'unsupported currency' },
  905: { name: 'AGENT_NOT_SUPPORT', meaning: 'unsupported agent' },
  906: { name: 'AMOUNT_NOT_SUPPORT', meaning: 'unreasonable recharge value' },
  908: { name: 'COUPONNO_NOT_SUPPORT', meaning: 'coupon code not supported' },
  909: { name: 'PAYMETHOD_NOT_SUPPORT', meaning: 'unsupported payment method' },
  910: { name: 'NO_INVOICE_ORDER', meaning: 'invoice order unavailable' },
  911: { name: 'NO_INVOICE_ADDRESS', meaning: 'invoice address unavailable' },
  912: { name: 'SUBUSER_EXISTS_TASKS', meaning: 'a sub-user with running tasks cannot be deleted' },
  913: { name: 'SUBUSER_ARREARAGE', meaning: 'the sub-user is in arrears', hint: 'settle the arrears first' },
  914: { name: 'DELSUBUSER_EXISTS_BALANCE', meaning: 'the sub-user to delete still has a balance' },
  915: { name: 'NO_INVOICE_TEMPLATE', meaning: 'invoice information unavailable' },
  916: { name: 'RECEIPT_TYPE_ERROR', meaning: 'invoice type does not match' },
  920: { name: 'NO_LATEST_VERSION', meaning: 'no latest client version' },
  999: { name: 'FORMAT_ERROR', meaning: 'the request format is wrong' },
  1000: { name: 'REDIS_CACHE_FAIL', meaning: 'the farm cache failed', hint: 'try again in a moment' },
  20004: { name: 'JSON_FILE_UPLOAD_FAILED', meaning: 'the task JSON file could not be uploaded' },
};

export function codeName(code: number): string {
  return API_CODES[code]?.name ?? `CODE_${code}`;
}

/** Base class of every failure the connector reports. `message` is one sentence a person can act on. */
export abstract class RayvisionError extends Error {
  abstract readonly kind: string;
  /** Whether the farm certainly did not act on the request (so a write may be sent again safely). */
  abstract get notApplied(): boolean;
}

/** The farm answered with a result code other than 200. */
export class ApiError extends RayvisionError {
  readonly kind = 'api';
  readonly codeName: string;
  /** For 610: the farm's clock (ms since the epoch) from `serverTime` or the Date header. */
  serverClock?: number;
  constructor(
    readonly operation: string,
    readonly code: number,
    readonly platformMessage: string,
    readonly requestId: string | undefined,
    readonly httpStatus: number,
  ) {
    super(describeApiError(operation, code, platformMessage, requestId));
    this.name = 'ApiError';
    this.codeName = codeName(code);
  }
  get notApplied(): boolean {
    return this.code === 610 || this.code === 611 || this.code === 403 || this.code === 600 || this.code === 601;
  }
}

function describeApiError(operation: string, code: number, platformMessage: string, requestId?: string): string {
  const info = API_CODES[code];
  const said = platformMessage && platformMessage !== info?.name.toLowerCase() ? ` ("${oneLine(platformMessage, 160)}")` : '';
  const request = requestId ? ` [request ${requestId}]` : '';
  const hint = info?.hint ? `; ${info.hint}` : '';
  return `${operation} failed: the farm answered ${code} ${codeName(code)}${info ? ` (${info.meaning})` : ''}${said}${request}${hint}.`;
}

/**
 * `queue-full` and `queue-timeout` are calls the connector's queue gave up before sending them (never applied);
 * `aborted` is a cancellation, before or after sending (see `details.sent`).
 */
export type TransportFailure = 'timeout' | 'network' | 'http-status' | 'invalid-json' | 'aborted' | 'queue-full' | 'queue-timeout';

/**
 * The request did not produce a farm answer: timeout, connection failure, HTTP error, unreadable body, cancellation,
 * or a call that never left the connector's queue.
 */
export class TransportError extends RayvisionError {
  readonly kind = 'transport';
  constructor(
    readonly operation: string,
    readonly failure: TransportFailure,
    message: string,
    readonly details: { status?: number; excerpt?: string; cause?: unknown; sent: boolean } = { sent: true },
  ) {
    super(message);
    this.name = 'TransportError';
  }
  get notApplied(): boolean {
    return !this.details.sent;
  }
  get status(): number | undefined {
    return this.details.status;
  }
}

/** Collapses whitespace and cuts a text to `max` characters, for excerpts of bodies and platform messages. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
