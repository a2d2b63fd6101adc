// Checks Kubernetes manifests against the schemas of the API they name: Kubernetes' own OpenAPI schemas and KEDA's
// CRD schemas, compiled to validators by the kubernetes-models project (the only validator that installs here from a
// registry; kubeconform and kubernetes-validate come from GitHub releases and PyPI). Every document must name an
// apiVersion and kind that has a schema, so a misspelt kind fails too; kustomize's own files are not resources and
// are left to kustomize. Prints one line per document; exits 1 if any is invalid.
//   node k8s/validate/validate.mjs FILE.yaml...
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const module = group === '' ? `kubernetes-models/${version}`
    : group.endsWith('keda.sh') ? `@kubernetes-models/keda/${group}/${version}`
    : `kubernetes-models/${group}/${version}`;
  try {
    return (await import(module))[kind];
  } catch (e) {
    if (e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || e.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

function describe(error) {
  const details = (error.errors ?? []).map(d => `${d.instancePath || '/'} ${d.message}`
    + (d.params?.additionalProperty ? ` (${d.params.additionalProperty})` : '')
    + (d.params?.allowedValues ? ` (${d.params.allowedValues.join(', ')})` : ''));
  return details.length ? details.join('; ') : error.message;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const where = `${file}#${i + 1}`;
    if (doc.errors.length) { failed++; console.log(`INVALID ${where}: ${doc.errors[0].message}`); continue; }
    const data = doc.toJS();
    if (data === null) continue;
    const { apiVersion, kind } = data;
    if (typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/')) {
      console.log(`SKIPPED ${where}: ${kind} is kustomize's, not a resource`);
      continue;
    }
    const Model = typeof apiVersion === 'string' && typeof kind === 'string' ? await modelFor(apiVersion, kind) : undefined;
    if (!Model || typeof Model.prototype?.validate !== 'function') {
      failed++;
      console.log(`INVALID ${where}: no schema for apiVersion ${apiVersion} kind ${kind}`);
      continue;
    }
    try {
      new Model(data).validate();
      console.log(`VALID ${where}: ${apiVersion} ${kind} ${data.metadata?.name ?? ''}`);
    } catch (e) {
      failed++;
      console.log(`INVALID ${where}: ${apiVersion} ${kind}: ${describe(e)}`);
    }
  }
}
process.exit(failed ? 1 : 0);
