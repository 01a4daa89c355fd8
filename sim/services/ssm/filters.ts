/** ParameterFilters of GetParametersByPath and DescribeParameters. */
import type { ParameterStringFilter } from '@aws-sdk/client-ssm';
import { AwsFault } from '../../aws-fault.js';
import { checkPath, underPath, type Param, type ParamVersion } from './rules.js';

type Pred = (p: Param, latest: ParamVersion) => boolean;

const BY_PATH_KEYS = ['Type', 'KeyId', 'Label'];
const DESCRIBE_KEYS = ['Name', 'Path', 'Type', 'KeyId', 'Tier', 'DataType', 'Label'];

function field(key: string, p: Param, v: ParamVersion): string | undefined {
  switch (key) {
    case 'Name':
      return p.name;
    case 'Type':
      return v.type;
    case 'KeyId':
      return v.keyId;
    case 'Tier':
      return v.tier;
    case 'DataType':
      return v.dataType;
    default:
      return undefined;
  }
}

/** One predicate for all filters; `byPath` restricts the keys to what GetParametersByPath accepts. */
export function filterPredicate(filters: ParameterStringFilter[] | undefined, byPath: boolean): Pred {
  const preds: Pred[] = [];
  const valid = byPath ? BY_PATH_KEYS : DESCRIBE_KEYS;
  for (const f of filters ?? []) {
    const key = f.Key ?? '';
    if (!valid.includes(key) && !key.startsWith('tag:')) {
      throw new AwsFault('InvalidFilterKey', `The following filter key is not valid: ${key}. Valid filter keys include: [${valid.join(', ')}].`);
    }
    const values = f.Values ?? [];
    const option = f.Option ?? 'Equals';
    if (key === 'Label') {
      // Labels are not simulated: no version carries one.
      preds.push(() => false);
    } else if (key.startsWith('tag:')) {
      const tag = key.slice(4);
      preds.push((p) => p.tags.some((t) => t.Key === tag && (values.length === 0 || values.includes(t.Value))));
    } else if (key === 'Path') {
      if (option !== 'Recursive' && option !== 'OneLevel') throw new AwsFault('InvalidFilterOption', `The following filter option is not valid: ${option}. Valid options include: [Recursive, OneLevel].`);
      const paths = values.map(checkPath);
      preds.push((p) => paths.some((path) => underPath(p.name, path, option === 'Recursive')));
    } else {
      if (!['Equals', 'BeginsWith', 'Contains'].includes(option) || (option !== 'Equals' && key !== 'Name')) {
        throw new AwsFault('InvalidFilterOption', `The following filter option is not valid: ${option}. Valid options include: [Equals${key === 'Name' ? ', BeginsWith, Contains' : ''}].`);
      }
      preds.push((p, v) => {
        const x = field(key, p, v);
        if (x === undefined) return false;
        if (option === 'BeginsWith') return values.some((s) => x.startsWith(s));
        if (option === 'Contains') return values.some((s) => x.includes(s));
        return values.includes(x);
      });
    }
  }
  return (p, v) => preds.every((pred) => pred(p, v));
}
