/** Copyable client snippets for a Ready endpoint (vLLM's OpenAI-compatible API; model = deployment name). */

export function curlSnippet(url: string, model: string): string {
  const body = JSON.stringify({ model, prompt: 'Say hello.', max_tokens: 64 });
  return `curl -s ${url.replace(/\/$/, '')}/v1/completions \\\n  -H 'Content-Type: application/json' \\\n  -d '${body}'`;
}

export function pythonSnippet(url: string, model: string): string {
  return [
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url="${url.replace(/\/$/, '')}/v1", api_key="EMPTY")`,
    `reply = client.completions.create(model="${model}", prompt="Say hello.", max_tokens=64)`,
    'print(reply.choices[0].text)'
  ].join('\n');
}
