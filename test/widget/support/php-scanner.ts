/**
 * The token rules of SuiteCRM's package scanner (`ModuleInstall/ModuleScanner.php`, scanFile: the
 * same in SuiteCRM 7 and in SuiteCRM 8's public/legacy), as a PHP script that prints the issues it
 * finds in the files named on its command line as JSON. Its function blacklist is trimmed to what
 * a package like ours could plausibly call; echo and exit/die are refused as the scanner does.
 */
export const SCANNER_PHP = `<?php
$black = array('popen','proc_open','passthru','exec','system','shell_exec','eval','file_exists','file_get_contents','file_put_contents',
  'fopen','fwrite','fputs','fread','file','is_file','is_dir','is_readable','is_writable','mkdir','rmdir','unlink','copy','rename','link',
  'symlink','touch','stat','glob','dir','opendir','readdir','realpath','pathinfo','tempnam','tmpfile','chmod','chown','ini_set',
  'set_time_limit','call_user_func','call_user_func_array','create_function','forward_static_call','array_map','array_filter',
  'array_reduce','array_walk','array_walk_recursive','usort','uasort','uksort','ob_start','set_error_handler','set_exception_handler',
  'register_shutdown_function','preg_replace_callback','is_callable','spl_autoload_register','iterator_apply','get','open','construct',
  'getimagesize','simplexml_load_file','simplexml_load_string','unzip','unzip_file','sugar_fopen','sugar_mkdir','sugar_file_put_contents',
  'mkdir_recursive','rmdir_recursive','create_custom_directory','write_array_to_file','parse_ini_file','parse_ini_string');
$classes = array('reflection','reflectionclass','reflectionfunction','reflectionmethod','reflectionobject','ziparchive','splfileobject','splfileinfo','pclzip');
$issues = array();
foreach (array_slice($argv, 1) as $f) {
  $last = false; $check = false; $possible = '';
  foreach (token_get_all(file_get_contents($f)) as $t) {
    if (is_string($t)) {
      if ($t === '\`' && !in_array("$f: backtick", $issues)) { $issues[] = "$f: backtick"; }
      if ($t === '(' && $check) { $issues[] = "$f: $possible"; }
      $check = false; $possible = '';
      continue;
    }
    if ($t[0] === T_WHITESPACE) { continue; }
    if ($t[0] === T_ECHO) { $issues[] = "$f: echo"; }
    if ($t[0] === T_EXIT) { $issues[] = "$f: exit"; }
    if ($t[0] === T_STRING) {
      $name = strtolower($t[1]);
      if ($last !== false && $last[0] === T_NEW) { if (in_array($name, $classes)) { $issues[] = "$f: new $name"; } }
      elseif ($last !== false && ($last[0] === T_OBJECT_OPERATOR || $last[0] === T_DOUBLE_COLON || $last[0] === T_FUNCTION)) { /* a method */ }
      elseif (in_array($name, $black)) { $check = true; $possible = $name . '()'; }
    } elseif ($t[0] === T_VARIABLE) { $check = true; $possible = 'variable function ' . $t[1] . '()'; }
    elseif ($t[0] === T_EVAL) { $issues[] = "$f: eval"; }
    else { $check = false; $possible = ''; }
    $last = $t;
  }
}
echo json_encode($issues);
`;
