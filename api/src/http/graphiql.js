// Starts GraphiQL on the directory's API. A file of its own rather than an inline script, so
// the page's content-security policy can forbid inline code.
//
// `/?query=...` opens with that query in the editor (links in the README and in issues use it);
// otherwise GraphiQL shows the last query of this browser, or the example below.
(function () {
  'use strict';
  var example = [
    '# The ethical recruitment directory. Run with the button above (or Ctrl-Enter);',
    '# the Docs panel on the left lists every query.',
    'query CertifiedRecruiters {',
    '  recruiters(filter: { certified: true }, first: 5) {',
    '    totalCount',
    '    edges { node { legalName country certified certifiedUntil } }',
    '  }',
    '}',
    '',
  ].join('\n');
  var parameters = new URLSearchParams(window.location.search);
  var props = {
    fetcher: GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).toString() }),
    defaultQuery: example,
    defaultEditorToolsVisibility: true,
  };
  if (parameters.has('query')) {
    props.query = parameters.get('query');
  }
  if (parameters.has('variables')) {
    props.variables = parameters.get('variables');
  }
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
