@echo off
rem The Berth command line on Windows: finds a JDK >= 25, builds what is missing, runs berth.
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0scripts\windows\berth.ps1" %*
exit /b %ERRORLEVEL%
